package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium watching a slow run: the job page follows the event stream, so the step
 * counter and the tab title move several times within the 3 s run (htmx polling alone would show
 * one step at most) and the image appears without a reload. Skipped on a developer machine
 * without Chromium; required when {@code CI=true}.
 */
class LiveJobPageBrowserTest extends BrowserTestBase {

    private static final Pattern STEP = Pattern.compile("step (\\d+) / 20");

    @AfterEach
    void resetTheStandIn() {
        STAND_IN.runDuration(Duration.ZERO);
        STAND_IN.sendPreviews(false);
    }

    @Test
    void stepCounterPreviewAndTabTitleMoveLiveThenTheImageAppearsWithoutAReload() throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        browser.get(url("/register"));
        browser.findElement(By.id("email")).sendKeys("live@example.com");
        browser.findElement(By.id("password")).sendKeys("correct horse");
        browser.findElement(By.id("submit")).click();
        wait.until(ExpectedConditions.urlContains("/register?sent"));
        browser.get(url("/login"));
        browser.findElement(By.id("email")).sendKeys("live@example.com");
        browser.findElement(By.id("password")).sendKeys("correct horse");
        browser.findElement(By.id("submit")).click();
        wait.until(ExpectedConditions.urlContains("/generate"));
        STAND_IN.runDuration(Duration.ofSeconds(3));
        STAND_IN.sendPreviews(true);
        browser.findElement(By.id("prompt")).sendKeys("a slow lighthouse");
        browser.findElement(By.id("submit")).click();
        wait.until(ExpectedConditions.urlMatches(".*/jobs/[0-9a-f-]{36}$"));
        JavascriptExecutor js = (JavascriptExecutor) browser;
        js.executeScript("window.sameDocument = true;");

        Set<Integer> steps = new LinkedHashSet<>();
        Set<String> titles = new LinkedHashSet<>();
        boolean previewShown = false;
        Instant deadline = Instant.now().plusSeconds(30);
        // Asked by script, not findElements: that would wait out the implicit wait on every turn while the image is not there.
        while (Boolean.TRUE.equals(js.executeScript("return document.querySelector('img.job-image') === null"))
                && Instant.now().isBefore(deadline)) {
            Matcher step = STEP.matcher((String) js.executeScript(
                    "var s = document.getElementById('job-state'); return s ? s.textContent : '';"));
            if (step.find()) {
                if (steps.add(Integer.parseInt(step.group(1))) && steps.size() == 2) {
                    saveScreenshot("job-running");
                }
                titles.add(browser.getTitle());
            }
            previewShown |= Boolean.TRUE.equals(js.executeScript(
                    "var p = document.getElementById('job-preview'); return p != null && p.complete && p.naturalWidth === 64;"));
            Thread.sleep(50);
        }

        assertThat(steps).as("step counter values seen").hasSizeGreaterThanOrEqualTo(2);
        assertThat(previewShown).as("the live preview (a 64×64 PNG from the stand-in) was shown").isTrue();
        assertThat(titles).anySatisfy(title -> assertThat(title).matches("\\d+% · Generating — Text2Image"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("img.job-image")));
        wait.until(ExpectedConditions.titleIs("Done — Text2Image"));
        assertThat(js.executeScript("return window.sameDocument === true")).as("no reload").isEqualTo(true);
        assertThat(browser.findElement(By.id("job-status")).getText()).contains("Charged 1 credit");
        assertThat(browser.findElement(By.id("balance")).getText()).contains("19");
    }

    private void saveScreenshot(String name) throws Exception {
        Chromium.screenshot(browser, name);
    }
}
