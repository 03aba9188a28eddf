package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium: register → sign in → generate → watch the job page (htmx polling) until the
 * image shows. Skipped on a developer machine without Chromium; required when {@code CI=true}.
 */
class BrowserEndToEndTest extends BrowserTestBase {

    @Test
    void registerGenerateAndSeeTheImage() throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        browser.get(url("/register"));
        browser.findElement(By.id("email")).sendKeys("browser@example.com");
        browser.findElement(By.id("password")).sendKeys("correct horse");
        browser.findElement(By.id("submit")).click();
        wait.until(ExpectedConditions.urlContains("/register?sent"));
        assertThat(browser.findElement(By.id("email")).getDomAttribute("value")).isEqualTo("browser@example.com");
        browser.findElement(By.id("password")).sendKeys("correct horse"); // the page's sign-in form
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
        Chromium.screenshot(browser, name);
    }

}
