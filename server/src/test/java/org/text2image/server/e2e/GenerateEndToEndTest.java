package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import jakarta.servlet.http.Cookie;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GeneratorStatus;
import org.text2image.server.generation.JobImage;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.Viewer;

/** The main job end to end: prompt → queue → embedded worker → ComfyUI stand-in → image, charged only on success. */
class GenerateEndToEndTest extends EndToEndTestBase {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;

    @AfterEach
    void booksBalance() {
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void registerSubmitAndDownloadTheImageThroughHttp() throws Exception {
        Cookie alice = register("alice@example.com");
        String jobUrl = mvc.perform(post("/generate").cookie(alice).with(csrf())
                        .param("prompt", "a lighthouse at dusk").param("modelId", "sd15")
                        .param("width", "512").param("height", "384"))
                .andExpect(status().is3xxRedirection())
                .andReturn().getResponse().getRedirectedUrl();
        assertThat(jobUrl).startsWith("/jobs/");
        UUID jobId = UUID.fromString(jobUrl.substring("/jobs/".length()));
        long aliceId = accounts.loadUserByUsername("alice@example.com").id();

        JobView done = awaitJob(jobId, aliceId, job -> job.status().isFinal());
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.images()).hasSize(1);
        JobImage image = done.images().getFirst();

        byte[] bytes = mvc.perform(get("/images/" + image.id()).cookie(alice))
                .andExpect(status().isOk())
                .andReturn().getResponse().getContentAsByteArray();
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(bytes));
        assertThat(png.getWidth()).isEqualTo(512);
        assertThat(png.getHeight()).isEqualTo(384);

        assertThat(statements.balance(aliceId)).isEqualTo(new Balance(19, 0));
        assertThat(count("SELECT count(*) FROM ledger_entry WHERE kind = 'CAPTURE' AND job_id = ?", jobId)).isEqualTo(1);
        var submitted = STAND_IN.submittedPrompts().getLast();
        assertThat(submitted.promptId()).isEqualTo(jobId + "-1");
        assertThat(submitted.graph().get("6").get("inputs").get("text").asString()).isEqualTo("a lighthouse at dusk");

        Cookie bob = register("bob@example.com");
        mvc.perform(get("/images/" + image.id()).cookie(bob)).andExpect(status().isNotFound());
        mvc.perform(get("/images/" + image.id())).andExpect(status().is3xxRedirection());
    }

    @Test
    void failsTwiceThenSucceedsAndChargesOnce() throws Exception {
        long user = accounts.register("retry@example.com", "correct horse").id();
        STAND_IN.failNextRuns(2);
        JobView job = generation.submit(user, GenerationRequest.ofPrompt("third time lucky"));
        JobView done = awaitJob(job.id(), user, j -> j.status().isFinal());
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.attempt()).isEqualTo(3);
        assertThat(statements.balance(user)).isEqualTo(new Balance(19, 0));
        assertThat(count("SELECT count(*) FROM ledger_entry WHERE kind = 'CAPTURE'")).isEqualTo(1);
    }

    @Test
    void failsThreeTimesAndReleasesTheHold() throws Exception {
        long user = accounts.register("unlucky@example.com", "correct horse").id();
        STAND_IN.failNextRuns(3);
        JobView job = generation.submit(user, GenerationRequest.ofPrompt("never works"));
        JobView done = awaitJob(job.id(), user, j -> j.status().isFinal());
        assertThat(done.status()).isEqualTo(JobStatus.FAILED);
        assertThat(done.attempt()).isEqualTo(3);
        assertThat(done.error()).contains("OutOfMemoryError");
        assertThat(statements.balance(user)).isEqualTo(new Balance(20, 0));
        assertThat(count("SELECT count(*) FROM ledger_entry WHERE kind = 'RELEASE' AND job_id = ?", job.id())).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM ledger_entry WHERE kind = 'CAPTURE'")).isZero();
    }

    @Test
    void aCheckpointMissingOnTheWorkerFailsAtOnceWithAPlainSentenceAndChargesNothing() throws Exception {
        long user = accounts.register("validation@example.com", "correct horse").id();
        JobView job = generation.submit(user, GenerationRequest.of("hardcoded", "a castle"));
        JobView done = awaitJob(job.id(), user, j -> j.status().isFinal());
        assertThat(done.status()).isEqualTo(JobStatus.FAILED);
        assertThat(done.attempt()).isEqualTo(1);
        assertThat(done.error()).isEqualTo("This GPU worker does not have the model file sd-v1-4-not-installed.safetensors "
                + "installed, so it cannot run this job.");
        assertThat(statements.balance(user)).isEqualTo(new Balance(20, 0));
        assertThat(count("SELECT count(*) FROM ledger_entry WHERE kind = 'CAPTURE'")).isZero();
    }

    @Test
    void aJobForACheckpointTheWorkerLacksIsLeftQueuedForAWorkerThatHasIt() throws Exception {
        long user = accounts.register("sdxl@example.com", "correct horse").id();
        // Another worker, elsewhere, offered SDXL lately: the submit is accepted; only that worker could run it.
        db.jdbc().sql("""
                INSERT INTO worker_presence (worker_name, last_seen_at, backend_reachable, checkpoints, checkpoints_reported)
                VALUES ('gpu-xl-elsewhere', now(), false, ARRAY['sd_xl_base_1.0.safetensors', 'v1-5-pruned-emaonly.safetensors'],
                        true)""").update();
        JobView sdxl = generation.submit(user, GenerationRequest.of("sdxl", "a castle"));
        JobView sd15 = generation.submit(user, GenerationRequest.ofPrompt("a cottage"));
        // The worker lists only the sd15 checkpoint: it passes over the older sdxl job.
        assertThat(awaitJob(sd15.id(), user, j -> j.status().isFinal()).status()).isEqualTo(JobStatus.SUCCEEDED);
        JobView waiting = generation.find(sdxl.id(), new Viewer(user, false)).orElseThrow();
        assertThat(waiting.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(waiting.attempt()).isZero();
        generation.cancel(sdxl.id(), user);
        assertThat(statements.balance(user)).isEqualTo(new Balance(19, 0));
    }

    @Test
    void jobsWaitWhileComfyUiIsDownAndRunWhenItComesBack() throws Exception {
        long user = accounts.register("patient@example.com", "correct horse").id();
        STAND_IN.goOffline();
        awaitStatus(GeneratorStatus.BACKEND_UNREACHABLE);
        JobView job = generation.submit(user, GenerationRequest.ofPrompt("later"));
        Thread.sleep(500); // several idle claims pass: the job must not be taken
        assertThat(generation.find(job.id(), new Viewer(user, false)).orElseThrow()
                .status()).isEqualTo(JobStatus.QUEUED);

        STAND_IN.comeBackOnline();
        JobView done = awaitJob(job.id(), user, j -> j.status().isFinal());
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(generation.generatorStatus()).isEqualTo(GeneratorStatus.ONLINE);
    }

    private void awaitStatus(GeneratorStatus expected) throws InterruptedException {
        for (int i = 0; i < 200 && generation.generatorStatus() != expected; i++) {
            Thread.sleep(50);
        }
        assertThat(generation.generatorStatus()).isEqualTo(expected);
    }

    /**
     * Registers through the page, then signs in through the sign-in form (registering signs nobody
     * in); returns the session cookie (sessions live in the database).
     */
    private Cookie register(String email) throws Exception {
        mvc.perform(post("/register").with(csrf()).param("email", email).param("password", "correct horse"))
                .andExpect(redirectedUrl("/register?sent"));
        Cookie session = mvc.perform(post("/login").with(csrf()).param("username", email).param("password", "correct horse"))
                .andExpect(redirectedUrl("/generate"))
                .andReturn().getResponse().getCookie("SESSION");
        assertThat(session).as("session cookie").isNotNull();
        return session;
    }
}
