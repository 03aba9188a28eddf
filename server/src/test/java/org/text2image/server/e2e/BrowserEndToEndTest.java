package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A real headless Chromium: register → generate → watch the job page (htmx polling) until the
 * image shows. Skipped on a developer machine without Chromium; required when {@code CI=true}.
 */
class BrowserEndToEndTest extends EndToEndTestBase {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @LocalServerPort int port;
    WebDriver browser;
    Path profile;

    @BeforeEach
    void startBrowser() throws Exception {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(installed, "Chromium and chromedriver are not installed");
        }
        assertThat(installed).as("CI must install chromium and chromium-driver").isTrue();
        profile = Files.createTempDirectory("t2i-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void registerGenerateAndSeeTheImage() throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        browser.get(url("/register"));
        browser.findElement(By.id("email")).sendKeys("browser@example.com");
        browser.findElement(By.id("password")).sendKeys("correct horse");
        browser.findElement(By.id("submit")).click();

        wait.until(ExpectedConditions.urlContains("/generate"));
        assertThat(browser.findElement(By.id("balance")).getText()).contains("20");
        browser.findElement(By.id("prompt")).sendKeys("a lighthouse at dusk, oil painting");
        browser.findElement(By.id("submit")).click();

        wait.until(ExpectedConditions.urlMatches(".*/jobs/[0-9a-f-]{36}$"));
        WebElement image = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("img.job-image")));
        wait.until(driver -> (Boolean) ((JavascriptExecutor) driver)
                .executeScript("return arguments[0].complete && arguments[0].naturalWidth > 0", image));
        assertThat(((Number) ((JavascriptExecutor) browser)
                .executeScript("return arguments[0].naturalWidth", image)).intValue()).isEqualTo(512);
        assertThat(browser.findElement(By.id("job-status")).getText()).contains("Charged 1 credit");
        assertThat(browser.findElement(By.id("balance")).getText()).contains("19");
        saveScreenshot("job-succeeded");
    }

    private void saveScreenshot(String name) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", "screenshots", name + ".png");
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }
}
