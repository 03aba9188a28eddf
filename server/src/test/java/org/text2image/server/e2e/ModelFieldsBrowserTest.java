package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.text2image.server.account.AccountService;

/**
 * In a real headless Chromium, switching the model on the Generate form shows only the fields its
 * workflow uses: the test pattern model (no sampler, no seed, no negative prompt) hides Steps,
 * CFG, Sampler, Scheduler, Seed and the negative prompt; switching back brings them, with the
 * negative prompt the user had typed. Skipped without Chromium unless {@code CI=true}.
 */
class ModelFieldsBrowserTest extends BrowserTestBase {

    @Autowired AccountService accounts;

    @Test
    void switchingTheModelShowsOnlyTheFieldsItsWorkflowUses() {
        accounts.register("maya@example.com", "correct horse");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(url("/login"));
        browser.findElement(By.id("email")).sendKeys("maya@example.com");
        browser.findElement(By.id("password")).sendKeys("correct horse");
        browser.findElement(By.id("submit")).click();
        wait.until(ExpectedConditions.urlContains("/generate"));
        browser.findElement(By.id("negativePrompt")).sendKeys("blurry");
        browser.findElement(By.cssSelector("#advanced summary")).click();
        assertThat(browser.findElement(By.id("steps")).isDisplayed()).isTrue();

        new Select(browser.findElement(By.id("modelId"))).selectByValue("modelfree");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("no-advanced")));
        for (String field : new String[] {"steps", "cfgScale", "sampler", "scheduler", "seed", "negativePrompt"}) {
            assertThat(browser.findElements(By.id(field))).as(field).isEmpty();
        }

        new Select(browser.findElement(By.id("modelId"))).selectByValue("sd15");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("steps")));
        assertThat(browser.findElement(By.id("sampler")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("negativePrompt")).getAttribute("value")).as("kept while hidden")
                .isEqualTo("blurry");
    }
}
