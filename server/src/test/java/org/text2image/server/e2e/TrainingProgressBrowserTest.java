package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.text2image.server.account.AccountService;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.PlanTerms;
import org.text2image.server.plans.Plans;
import org.text2image.server.plans.SubscriptionSource;
import org.text2image.server.training.LoraDatasets;
import org.text2image.server.training.LoraTrainings;
import org.text2image.server.training.TrainingFixtures;
import org.text2image.server.training.TrainingQueue;
import org.text2image.server.training.TrainingStatus;

/**
 * A real headless Chromium on a running training's page: {@code js/training-progress.js} moves the
 * step, the bar and the time left in place as the worker's heartbeats come (no reload), and loads
 * the page once when the training ends. Skipped on a developer machine without Chromium; required
 * when {@code CI=true}.
 */
class TrainingProgressBrowserTest extends BrowserTestBase {

    @Autowired AccountService accounts;
    @Autowired PlanTerms terms;
    @Autowired Plans plans;
    @Autowired LoraDatasets datasets;
    @Autowired LoraTrainings trainings;
    @Autowired TrainingQueue queue;

    @Test
    void theStepMovesInPlaceWhileRunningAndThePageReloadsOnceWhenTheTrainingFails() {
        long user = accounts.register("trainer@example.com", "correct horse").id();
        terms.apply(user, plans.find("pro").orElseThrow(), BillingPeriod.WEEKLY, SubscriptionSource.UPI, 1);
        UUID dataset = TrainingFixtures.dataset(datasets, user, "My cat", 5);
        UUID training = trainings.submit(user, dataset, "browser-key");
        int attempt = queue.claim("gpu-trainer", List.of(CHECKPOINT)).orElseThrow().attempt();
        queue.heartbeat(training, attempt, "gpu-trainer", 100, 600);

        signInAs("trainer@example.com");
        browser.get(url("/my-models/trainings/" + training));
        assertThat(browser.findElement(By.id("training-step")).getText()).isEqualTo("Step 100 / 600");
        js().executeScript("window.sameDocument = true;");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));

        queue.heartbeat(training, attempt, "gpu-trainer", 450, 600);
        wait.until(ExpectedConditions.textToBe(By.id("training-step"), "Step 450 / 600"));
        assertThat(browser.findElement(By.id("training-progress")).getDomProperty("value")).isEqualTo("75");
        assertThat(js().executeScript("return window.sameDocument === true")).as("updated in place").isEqualTo(true);

        assertThat(queue.fail(training, attempt, "gpu-trainer", "CUDA out of memory", false))
                .isEqualTo(TrainingStatus.FAILED);
        wait.until(ExpectedConditions.textToBe(By.id("training-status"), "FAILED"));
        assertThat(js().executeScript("return window.sameDocument === true")).as("loaded again").isEqualTo(false);
        assertThat(browser.findElement(By.id("training-error")).getText()).contains("CUDA out of memory");
        assertThat(browser.findElements(By.id("training-step"))).isEmpty();
    }
}
