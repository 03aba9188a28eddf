package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.text2image.server.account.AccountService;
import org.text2image.server.generation.JobStatus;

/**
 * A video from the Generate page in a real headless Chromium, with the embedded worker and the
 * ComfyUI stand-in (a real H.264 MP4 of the model-free video workflow): picking the video model
 * swaps the number of images for the length, rate and size presets and prices the length; the job
 * page's player plays the result (readyState ≥ 2, HAVE_CURRENT_DATA). Clean at 1280 and 390 px (no
 * sideways scrolling, no serious axe violation).
 */
@TestPropertySource(properties = {
        "text2image.catalog.models-file=src/test/resources/config/models-with-video.json",
        "text2image.accounts.signup-credits=1000"
})
class VideoBrowserTest extends BrowserTestBase {

    @Autowired AccountService accounts;

    @Test
    void pickTheVideoModelSubmitAndThePlayerPlaysIt() throws Exception {
        long userId = accounts.register("vera@example.com", "correct horse").id();
        signInAs("vera@example.com");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));

        browser.get(url("/generate"));
        assertThat(browser.findElements(By.id("frames"))).isEmpty();
        new Select(browser.findElement(By.id("modelId"))).selectByValue("video-mp4");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("frames")));
        assertThat(browser.findElements(By.id("batchSize"))).as("one video per job").isEmpty();
        assertThat(browser.findElement(By.id("frames")).getAttribute("value")).isEqualTo("9");
        new Select(browser.findElement(By.id("size-preset"))).selectByValue("96x64");
        assertThat(browser.findElement(By.id("width")).getAttribute("value")).isEqualTo("96");
        browser.findElement(By.id("frames")).clear();
        browser.findElement(By.id("frames")).sendKeys("13");
        // 13 × 96 × 64 / (9 × 64 × 64) = 2.17 base volumes → 3 × 20 credits
        wait.until(ExpectedConditions.textToBe(By.id("cost-credits"), "60 credits"));

        List<String> problems = new ArrayList<>();
        String axe = axeSource();
        for (int width : List.of(1280, 390)) {
            resize(width);
            checkPage("/generate with the video model at " + width + " px", axe, problems);
        }
        browser.findElement(By.id("prompt")).sendKeys("a red fox running through snow");
        browser.findElement(By.id("submit")).click();
        wait.until(ExpectedConditions.urlMatches(".*/jobs/[^/]+$"));
        UUID jobId = UUID.fromString(browser.getCurrentUrl().substring(browser.getCurrentUrl().lastIndexOf('/') + 1));
        assertThat(awaitJob(jobId, userId, job -> job.status().isFinal()).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(awaitJob(jobId, userId, job -> true).parameters().priceCredits()).as("the price shown").isEqualTo(60);

        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("job-video")));
        js().executeScript("var v = document.getElementById('job-video'); v.muted = true; v.play();");
        wait.until(driver -> ((Number) js().executeScript(
                "return document.getElementById('job-video').readyState")).intValue() >= 2);
        assertThat(((Number) js().executeScript("return document.getElementById('job-video').videoWidth")).intValue())
                .isEqualTo(96);
        for (int width : List.of(1280, 390)) {
            resize(width);
            checkPage("the job page at " + width + " px", axe, problems);
        }
        browser.get(url("/history"));
        assertThat(browser.findElement(By.id("play-" + jobId)).isDisplayed()).isTrue();
        assertThat(problems).as("accessibility violations (serious, critical) and sideways scrolling").isEmpty();
    }
}
