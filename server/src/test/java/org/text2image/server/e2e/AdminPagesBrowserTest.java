package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.support.TestAccounts;

/**
 * The admin pages in a real headless Chromium, on the whole platform (the embedded worker runs the
 * jobs on the ComfyUI stand-in): the dashboard, the job search, a job's page and the Models page
 * render with their figures; the admin navigation fits a 390 px phone without the page scrolling
 * sideways. With {@code -Dscreenshots.write=true} the pages are saved as the screenshots of
 * docs/ADMIN.md ({@code docs/admin/*.png}); otherwise to {@code target/screenshots}.
 */
class AdminPagesBrowserTest extends BrowserTestBase {

    private static final Path DOCS = Path.of("../docs/admin");

    @Autowired AccountService accounts;

    @Test
    void theAdminPagesShowTheirFiguresAndTheNavigationFitsAPhone() throws Exception {
        TestAccounts.admin(accounts, db, "boss@example.com");
        SignedInUser maya = accounts.register("maya@example.com", "correct horse");
        STAND_IN.failNextRuns(3);
        UUID failed = generation.submit(maya.id(), GenerationRequest.of("sd15", "a harbour in the fog")).id();
        awaitJob(failed, maya.id(), job -> job.status() == JobStatus.FAILED);
        UUID done = null;
        for (String prompt : List.of("a lighthouse at dusk", "a red fox in the snow", "an owl on a branch")) {
            done = generation.submit(maya.id(), GenerationRequest.of("sd15", prompt)).id();
            awaitJob(done, maya.id(), job -> job.status() == JobStatus.SUCCEEDED);
        }
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        signIn("boss@example.com", wait);

        browser.get(url("/admin"));
        assertThat(browser.findElement(By.id("stat-today")).getText()).startsWith("4");
        assertThat(browser.findElement(By.id("stat-failed")).getText()).startsWith("1");
        assertThat(browser.findElement(By.id("jobs-chart")).getAttribute("role")).isEqualTo("img");
        save("dashboard");

        browser.findElement(By.id("stat-today")).click();
        wait.until(ExpectedConditions.urlContains("/admin/jobs"));
        assertThat(browser.findElements(By.cssSelector("#jobs .job-row"))).hasSize(4);
        save("jobs");

        browser.get(url("/admin/jobs/" + failed));
        assertThat(browser.findElement(By.id("attempts")).getText()).contains("embedded", "RETRIED", "FAILED");
        assertThat(browser.findElement(By.id("job-workflow")).getText()).contains("a harbour in the fog");
        save("job");

        browser.get(url("/admin/models"));
        assertThat(browser.findElement(By.id("model-sd15")).getText()).contains("embedded", "25.0 %");
        save("models");

        browser.manage().window().setSize(new Dimension(390, 844));
        for (String page : List.of("/admin", "/admin/jobs", "/admin/jobs/" + done, "/admin/models", "/admin/workers",
                "/admin/users", "/admin/payments", "/admin/audit")) {
            browser.get(url(page));
            JavascriptExecutor js = (JavascriptExecutor) browser;
            long viewport = ((Number) js.executeScript("return document.documentElement.clientWidth")).longValue();
            assertThat(((Number) js.executeScript("return document.getElementById('admin-nav').getBoundingClientRect().right"))
                    .doubleValue()).as("the admin navigation inside the screen on " + page).isLessThanOrEqualTo(viewport);
            assertThat(((Number) js.executeScript("return document.getElementById('admin-nav-support').getBoundingClientRect().right"))
                    .doubleValue()).as("its last link inside the screen on " + page).isLessThanOrEqualTo(viewport);
            assertThat(((Number) js.executeScript("return document.documentElement.scrollWidth")).longValue())
                    .as("no sideways scrolling on " + page).isLessThanOrEqualTo(viewport);
        }
    }

    private void signIn(String email, WebDriverWait wait) {
        browser.get(url("/login"));
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.id("password")).sendKeys("correct horse");
        browser.findElement(By.id("submit")).click();
        wait.until(ExpectedConditions.not(ExpectedConditions.urlContains("/login")));
    }

    /** The page as a screenshot: to docs/admin with -Dscreenshots.write=true, else to target/screenshots. */
    private void save(String name) throws Exception {
        if (!Boolean.getBoolean("screenshots.write")) {
            Chromium.screenshot(browser, "admin-" + name);
            return;
        }
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.createDirectories(DOCS);
        Files.copy(shot.toPath(), DOCS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
