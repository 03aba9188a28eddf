package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.support.TestAccounts;

/**
 * Every page of {@link SitePages} in a real headless Chromium: axe-core (the WebJar) finds no
 * serious or critical accessibility violation in the light and in the dark theme, and no page
 * scrolls sideways at 1280 px nor on a 390 px wide phone. Skipped on a developer machine without
 * Chromium; required when {@code CI=true}.
 */
class AccessibilityBrowserTest extends BrowserTestBase {

    static final int PHONE_WIDTH = 390;
    static final int DESKTOP_WIDTH = 1280;

    @Autowired AccountService accounts;
    @Autowired org.text2image.server.storage.ImageStore store;

    @Test
    void noPageHasASeriousAccessibilityViolationOrScrollsSideways() throws Exception {
        TestAccounts.admin(accounts, db, "admin@example.com");
        SignedInUser maya = accounts.register("maya@example.com", "correct horse");
        var job = generation.submit(maya.id(), GenerationRequest.ofPrompt("a lighthouse at dusk, oil painting"));
        awaitJob(job.id(), maya.id(), j -> j.status() == JobStatus.SUCCEEDED);
        Map<String, String> fixtures = new HashMap<>(Map.of("{job}", job.id().toString(),
                "{user}", Long.toString(maya.id())));
        fixtures.putAll(myModels(maya.id()));
        String axe = axeSource();
        List<String> problems = new ArrayList<>();
        browser.get(url("/")); // on the site's origin, whose localStorage holds the theme

        SitePages.Viewer signedIn = null;
        for (SitePages.Page page : SitePages.ALL) {
            if (page.viewer() != signedIn) {
                signedIn = switchTo(page.viewer(), signedIn);
                if (page.viewer() == SitePages.Viewer.USER && !fixtures.containsKey("{payment}")) {
                    fixtures.put("{payment}", startUpiPayment());
                }
            }
            String path = page.path();
            for (Map.Entry<String, String> fixture : fixtures.entrySet()) {
                path = path.replace(fixture.getKey(), fixture.getValue());
            }
            check(path, axe, problems);
        }
        assertThat(problems).as("accessibility violations (serious, critical) and sideways scrolling").isEmpty();

        js().executeScript("var img = document.createElement('img'); img.src = '/favicon.svg'; img.id = 'no-alt';"
                + " img.width = 700; document.querySelector('main').appendChild(img);");
        assertThat(axeViolations(axe)).as("the check sees a deliberate image without alt text").anySatisfy(
                violation -> assertThat(violation).contains("image-alt", "#no-alt"));
        resize(PHONE_WIDTH);
        scrollsSideways("a deliberately wide image", "dark", PHONE_WIDTH, problems);
        assertThat(problems).as("the check sees the page scroll sideways").hasSize(1);
    }

    /**
     * The user's custom-model fixtures: a dataset with one captioned image, a training of it halfway
     * through, and a trained LoRA (so My models lists all three).
     */
    private Map<String, String> myModels(long userId) {
        UUID dataset = UUID.randomUUID();
        UUID image = UUID.randomUUID();
        UUID training = UUID.randomUUID();
        UUID lora = UUID.randomUUID();
        store.put("lora/" + dataset + "/" + image, org.text2image.server.training.TrainingFixtures.png(3));
        store.put("lora-models/" + userId + "/" + lora + ".safetensors", new byte[] {1});
        db.jdbc().sql("INSERT INTO lora_dataset (id, user_id, name, trigger_word, created_at) VALUES (?, ?, 'My cat', 'mycat', now())")
                .params(dataset, userId).update();
        db.jdbc().sql("""
                        INSERT INTO lora_dataset_image (id, dataset_id, storage_key, content_type, size_bytes, width, height,
                                                        caption, created_at)
                        VALUES (?, ?, ?, 'image/png', 1, 512, 512, 'a grey cat on a sofa', now())""")
                .params(image, dataset, "lora/" + dataset + "/" + image).update();
        db.jdbc().sql("""
                        INSERT INTO lora_training (id, user_id, dataset_id, name, trigger_word, base_model_id, checkpoint, steps,
                            lora_rank, learning_rate, resolution, status, attempt, max_attempts, worker_name, lease_expires_at,
                            attempt_deadline_at, attempt_started_at, progress_step, progress_total, submit_key, created_at)
                        VALUES (?, ?, ?, 'My cat', 'mycat', 'sd15', 'v1-5-pruned-emaonly.safetensors', 600, 16, 0.0005, 512,
                            'RUNNING', 1, 2, 'embedded', now() + interval '1 hour', now() + interval '2 hours',
                            now() - interval '10 minutes', 300, 600, 'key', now())""").params(training, userId, dataset).update();
        db.jdbc().sql("""
                        INSERT INTO lora_model (id, user_id, name, trigger_word, base_model_id, checkpoint, storage_key, sha256,
                                                size_bytes, created_at)
                        VALUES (?, ?, 'My cat', 'mycat', 'sd15', 'v1-5-pruned-emaonly.safetensors', ?, ?, 1, now())""")
                .params(lora, userId, "lora-models/" + userId + "/" + lora + ".safetensors", "e".repeat(64)).update();
        return Map.of("{dataset}", dataset.toString(), "{training}", training.toString());
    }

    /** Both themes at desktop width (axe and sideways scrolling), then the phone width. */
    private void check(String path, String axe, List<String> problems) {
        for (String theme : List.of("light", "dark")) {
            resize(DESKTOP_WIDTH);
            load(path, theme);
            scrollsSideways(path, theme, DESKTOP_WIDTH, problems);
            for (String violation : axeViolations(axe)) {
                problems.add(path + " (" + theme + "): " + violation);
            }
        }
        resize(PHONE_WIDTH);
        load(path, "dark");
        scrollsSideways(path, "dark", PHONE_WIDTH, problems);
        resize(DESKTOP_WIDTH);
    }

    private void load(String path, String theme) {
        js().executeScript("localStorage.setItem('t2i-theme', arguments[0]);", theme);
        browser.get(url(path));
        // ChromeDriver may return from get() while the new document is still loading (seen with Chromium 150).
        new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(d -> "complete".equals(js().executeScript("return document.readyState")));
        assertThat(js().executeScript("return document.documentElement.getAttribute('data-theme')"))
                .as(path + " in the " + theme + " theme").isEqualTo(theme);
    }

    private void scrollsSideways(String path, String theme, int width, List<String> problems) {
        Long scrollWidth = (Long) js().executeScript("return document.documentElement.scrollWidth");
        Long innerWidth = (Long) js().executeScript("return window.innerWidth");
        assertThat(innerWidth).as("the window is " + width + " px wide").isEqualTo(width);
        if (scrollWidth > innerWidth) {
            problems.add(path + " (" + theme + ", " + width + " px): " + scrollWidth + " px wide, scrolls sideways; widest: "
                    + js().executeScript("return Array.from(document.querySelectorAll('body *'))"
                    + ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
                    + ".slice(-3).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className"
                    + " + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')"));
        }
    }

    private SitePages.Viewer switchTo(SitePages.Viewer viewer, SitePages.Viewer current) {
        if (current != null && current != SitePages.Viewer.ANONYMOUS) {
            browser.get(url("/account"));
            browser.findElement(By.id("sign-out")).click();
        }
        switch (viewer) {
            case USER -> signInAs("maya@example.com");
            case ADMIN -> signInAs("admin@example.com");
            case ANONYMOUS -> browser.manage().deleteAllCookies();
        }
        return viewer;
    }

    private String startUpiPayment() {
        browser.get(url("/buy"));
        browser.findElement(By.cssSelector("button[id$='-upi']")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.urlMatches(".*/payments/[^/]+$"));
        String current = browser.getCurrentUrl();
        return current.substring(current.lastIndexOf('/') + 1);
    }



}
