package org.text2image.server.generation.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.LeasedJob;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.Images;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

@PageTest
class JobPageTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired TestDatabase db;

    SignedInUser alice;
    SignedInUser bob;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse");
        bob = accounts.register("bob@example.com", "correct horse");
    }

    @Test
    void queuedJobShowsItsPositionPromptParametersCancelAndPolls() throws Exception {
        JobView job = submit("sdxl", "a red fox in snow");

        String html = page(get("/jobs/" + job.id()), alice);

        assertThat(Html.textOf(html, "job-state")).isEqualTo("Queued — position 1");
        assertThat(html).contains("<title>Queued (1) — Text2Image</title>");
        assertThat(Html.attributeOf(html, "job-page", "data-job-events")).isEqualTo("/jobs/" + job.id() + "/events");
        assertThat(Html.textOf(html, "job-prompt")).isEqualTo("a red fox in snow");
        assertThat(Html.textOf(html, "job-model")).isEqualTo("SDXL");
        assertThat(Html.textOf(html, "job-size")).isEqualTo("1024 × 1024");
        assertThat(Html.textOf(html, "cancel")).isEqualTo("Cancel");
        assertThat(Html.attributeOf(html, "reuse", "href")).isEqualTo("/generate?from=" + job.id());
        assertThat(Html.attributeOf(html, "job-status", "hx-get")).isEqualTo("/jobs/" + job.id() + "/status");
        assertThat(Html.attributeOf(html, "job-status", "hx-trigger")).isEqualTo("every 3s");
        assertThat(Html.textOf(html, "generator-offline")).startsWith("The generator is offline right now.");
    }

    @Test
    void aRunningJobWhoseWorkerCannotReachComfyUiSaysTheGeneratorIsOffline() throws Exception {
        JobView job = submit("sd15", "a lighthouse");
        LeasedJob claimed = queue.claim("test-worker", TestCatalog.CHECKPOINTS).orElseThrow();
        queue.heartbeat(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, 3, 20, true);
        assertThat(page(get("/jobs/" + job.id() + "/status"), alice)).doesNotContain("id=\"generator-offline\"");

        queue.heartbeat(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, 3, 20, false);
        String offline = page(get("/jobs/" + job.id() + "/status"), alice);
        assertThat(Html.textOf(offline, "generator-offline"))
                .startsWith("The generator is offline right now: the GPU worker cannot reach its image engine (ComfyUI).");
        assertThat(Html.textOf(offline, "job-state")).isEqualTo("Generating — step 3 / 20");

        queue.heartbeat(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, 4, 20, true);
        assertThat(page(get("/jobs/" + job.id() + "/status"), alice)).doesNotContain("id=\"generator-offline\"");
    }

    @Test
    void statusFragmentPollsWhileRunningAndShowsStepProgressAndAttempt() throws Exception {
        JobView job = submit("sd15", "a lighthouse");
        LeasedJob first = queue.claim("test-worker", TestCatalog.CHECKPOINTS).orElseThrow();

        String starting = page(get("/jobs/" + job.id() + "/status"), alice);
        assertThat(Html.textOf(starting, "job-state")).isEqualTo("Generating — starting…");

        queue.fail(job.id(), first.attempt(), WorkerIdentity.CONFIGURED, "ComfyUI ran out of memory", true);
        assertThat(Html.textOf(page(get("/jobs/" + job.id() + "/status"), alice), "job-retry"))
                .isEqualTo("Attempt 1 of 3 failed (ComfyUI ran out of memory); it will be tried again.");
        LeasedJob second = queue.claim("test-worker", TestCatalog.CHECKPOINTS).orElseThrow();
        queue.heartbeat(job.id(), second.attempt(), WorkerIdentity.CONFIGURED, 12, 30, true);

        String html = page(get("/jobs/" + job.id() + "/status"), alice);

        assertThat(Html.textOf(html, "job-state")).isEqualTo("Generating — step 12 / 30");
        assertThat(Html.attributeOf(html, "job-progress", "value")).isEqualTo("12");
        assertThat(Html.attributeOf(html, "job-progress", "max")).isEqualTo("30");
        assertThat(Html.textOf(html, "job-attempt")).isEqualTo("attempt 2 of 3");
        assertThat(Html.attributeOf(html, "job-status", "hx-trigger")).isEqualTo("every 3s");
        assertThat(Html.attributeOf(html, "balance", "hx-swap-oob")).as("header balance kept current").isEqualTo("true");
        assertThat(Html.attributeOf(html, "job-status", "data-title")).isEqualTo("40% · Generating — Text2Image");
        assertThat(Html.textOf(html, "cancel")).as("a running job can be cancelled").isEqualTo("Cancel");
        assertThat(html).doesNotContain("<html");
    }

    @Test
    void cancellingAQueuedJobReleasesTheHold() throws Exception {
        JobView job = submit("sdxl", "a red fox");
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(17, 3));

        mvc.perform(post("/jobs/" + job.id() + "/cancel").with(csrf()).with(user(alice)))
                .andExpect(redirectedUrl("/jobs/" + job.id()));

        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20, 0));
        String html = page(get("/jobs/" + job.id()), alice);
        assertThat(Html.textOf(html, "job-state")).isEqualTo("Cancelled — no credits were deducted.");
        assertThat(Html.tagOf(html, "job-status")).doesNotContain("hx-trigger");
        assertThat(html).doesNotContain("id=\"cancel\"");
    }

    @Test
    void cancellingARunningJobReleasesTheHoldAndAFinishedJobCannotBeCancelled() throws Exception {
        JobView job = submit("sd15", "a lighthouse");
        queue.claim("test-worker", TestCatalog.CHECKPOINTS).orElseThrow();

        mvc.perform(post("/jobs/" + job.id() + "/cancel").with(csrf()).with(user(alice)))
                .andExpect(redirectedUrl("/jobs/" + job.id()));
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20, 0));
        String html = page(get("/jobs/" + job.id()), alice);
        assertThat(Html.textOf(html, "job-state")).isEqualTo("Cancelled — no credits were deducted.");
        assertThat(html).contains("<title>Cancelled — Text2Image</title>");
        assertThat(Html.textOf(html, "job-receipt")).matches("Receipt: held \\d+, released \\d+: cancelled — not charged");

        mvc.perform(post("/jobs/" + job.id() + "/cancel").with(csrf()).with(user(alice)))
                .andExpect(redirectedUrl("/jobs/" + job.id()))
                .andExpect(result -> assertThat(result.getFlashMap().get("alert")).asString()
                        .contains("Only a queued or running job"));
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20, 0));
    }

    @Test
    void failedJobShowsTheReasonAndThatNothingWasCharged() throws Exception {
        JobView job = submit("sd15", "a lighthouse");
        LeasedJob claimed = queue.claim("test-worker", TestCatalog.CHECKPOINTS).orElseThrow();
        queue.fail(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, "Checkpoint not found", false);

        String html = page(get("/jobs/" + job.id()), alice);

        assertThat(Html.textOf(html, "job-state")).isEqualTo("Failed");
        assertThat(Html.textOf(html, "job-error")).isEqualTo("Checkpoint not found");
        assertThat(Html.textOf(html, "job-not-charged")).isEqualTo("No credits were deducted.");
        assertThat(Html.textOf(html, "job-receipt")).matches("Receipt: held \\d+, released \\d+: failed — not charged");
        assertThat(Html.tagOf(html, "job-status")).doesNotContain("hx-trigger");
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20, 0));
    }

    @Test
    void anotherUsersJobAndUnknownIdsAreTheSameNotFoundPage() throws Exception {
        JobView job = submit("sd15", "alice's secret");

        for (String path : List.of("/jobs/" + job.id(), "/jobs/" + job.id() + "/status", "/jobs/" + UUID.randomUUID(),
                "/jobs/not-a-uuid")) {
            String html = mvc.perform(get(path).with(user(bob))).andExpect(status().isNotFound())
                    .andReturn().getResponse().getContentAsString();
            assertThat(Html.text(html)).as(path).contains("We can't find that page").doesNotContain("alice's secret");
        }
        mvc.perform(post("/jobs/" + job.id() + "/cancel").with(csrf()).with(user(bob))).andExpect(status().isNotFound());
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(19, 1));
    }

    @Test
    void succeededJobShowsItsImagesWithDownloadAndTheCharge() throws Exception {
        JobView job = submit("sdxl", "a red fox");
        UUID imageId = TestImages.complete(queue, generation, job, alice);

        String html = page(get("/jobs/" + job.id()), alice);

        assertThat(Html.textOf(html, "job-state")).isEqualTo("Done");
        assertThat(html).containsPattern("<img class=\"job-image\" src=\"/i/" + imageId + "\\?v=" + alice.id() + "&amp;exp=\\d+&amp;sig=[\\w-]+\"")
                .contains("href=\"/images/" + imageId + "\" target=\"_blank\"");
        assertThat(Html.attributeOf(html, "download-1", "href")).isEqualTo("/images/" + imageId + "?download=true");
        assertThat(Html.textOf(html, "job-charged")).isEqualTo("Charged 3 credits.");
        assertThat(Html.textOf(html, "job-receipt")).isEqualTo("Receipt: held 3, charged 3");
        assertThat(Html.tagOf(html, "job-status")).doesNotContain("hx-trigger");
        assertThat(Html.textOf(html, "balance")).isEqualTo("17 credits");
    }

    @Test
    void imagesAreServedOnlyToTheirOwnerWithCachingAndDownloadHeaders() throws Exception {
        JobView job = submit("sd15", "a lighthouse");
        UUID imageId = TestImages.complete(queue, generation, job, alice);

        byte[] bytes = mvc.perform(get("/images/" + imageId).with(user(alice))).andExpect(status().isOk())
                .andExpect(header().string("Content-Type", "image/png"))
                .andExpect(header().string("Cache-Control", "private, max-age=31536000, immutable"))
                .andExpect(header().string("X-Content-Type-Options", "nosniff"))
                .andExpect(header().doesNotExist("Content-Disposition"))
                .andReturn().getResponse().getContentAsByteArray();
        assertThat(bytes).isEqualTo(Images.png(job.parameters().width(), job.parameters().height()));

        mvc.perform(get("/images/" + imageId).param("download", "true").with(user(alice)))
                .andExpect(header().string("Content-Disposition",
                        "attachment; filename=\"text2image-" + job.id() + "-1.png\""));
        mvc.perform(get("/images/" + imageId).with(user(bob))).andExpect(status().isNotFound());
        mvc.perform(get("/images/" + UUID.randomUUID()).with(user(alice))).andExpect(status().isNotFound());
        mvc.perform(get("/images/" + imageId)).andExpect(status().is3xxRedirection())
                .andExpect(result -> assertThat(result.getResponse().getRedirectedUrl()).endsWith("/login"));
    }

    private JobView submit(String modelId, String prompt) {
        return generation.submit(alice.id(), GenerationRequest.of(modelId, prompt));
    }

    private String page(MockHttpServletRequestBuilder request, SignedInUser viewer) throws Exception {
        return mvc.perform(request.with(user(viewer))).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }
}
