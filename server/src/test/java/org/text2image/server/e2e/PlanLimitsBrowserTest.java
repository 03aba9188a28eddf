package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.text2image.server.account.AccountService;
import org.text2image.server.generation.JobStatus;

/**
 * A new user on the restrictive free plan (basic parameters, one image a request, a weekly count on
 * sd15, no sdxl) with the embedded worker, in a real headless Chromium: the Generate page shows the
 * plan, hides the locked parameters and disables the locked models, is clean (no serious axe
 * violation, no sideways scrolling) at 1280 px and 390 px, and the form as shown is accepted and runs.
 */
@TestPropertySource(properties = {
        "text2image.plans.file=src/test/resources/config/plans-enforced.json",
        "text2image.catalog.models-file=src/test/resources/config/models-enforced.json",
        "text2image.generation.max-batch-size=32"
})
class PlanLimitsBrowserTest extends BrowserTestBase {

    @Autowired AccountService accounts;

    @Test
    void aFreeUsersGenerateFormShowsThePlanIsCleanOnEveryWidthAndRuns() throws Exception {
        accounts.register("maya@example.com", "correct horse");
        signInAs("maya@example.com");
        String axe = axeSource();
        List<String> problems = new ArrayList<>();

        for (String path : List.of("/generate", "/account")) {
            for (int width : List.of(1280, 390)) {
                for (String theme : List.of("light", "dark")) {
                    resize(width);
                    js().executeScript("localStorage.setItem('t2i-theme', arguments[0]);", theme);
                    browser.get(url(path));
                    js().executeScript("var d = document.getElementById('advanced'); if (d) { d.open = true; }");
                    checkPage(path + " (" + theme + ", " + width + " px)", axe, problems);
                }
            }
        }
        assertThat(problems).as("accessibility violations (serious, critical) and sideways scrolling").isEmpty();

        resize(390);
        browser.get(url("/generate"));
        assertThat(browser.findElement(By.id("plan-name")).getText()).isEqualTo("Free");
        assertThat(browser.findElements(By.id("seed"))).isEmpty();
        assertThat(browser.findElement(By.cssSelector("option[value='sdxl']")).isEnabled()).isFalse();
        assertThat(browser.findElement(By.cssSelector("option[value='sdxl']")).getText()).isEqualTo("SDXL — Starter plan");
        browser.findElement(By.id("prompt")).sendKeys("a lighthouse at dusk");
        browser.findElement(By.id("submit")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.urlMatches(".*/jobs/[^/]+$"));
        assertThat(count("SELECT count(*) FROM generation_job")).isEqualTo(1);
        String jobId = browser.getCurrentUrl().substring(browser.getCurrentUrl().lastIndexOf('/') + 1);
        long userId = count("SELECT id FROM app_user WHERE email = 'maya@example.com'");
        awaitJob(java.util.UUID.fromString(jobId), userId, job -> job.status() == JobStatus.SUCCEEDED);
    }



}
