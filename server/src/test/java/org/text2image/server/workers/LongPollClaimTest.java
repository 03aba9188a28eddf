package org.text2image.server.workers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.LeasedJob;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.worker.api.ClaimRequest;
import tools.jackson.databind.json.JsonMapper;

/**
 * Long-poll claims over real HTTP. Every wake-up here travels through PostgreSQL: the submit's
 * transaction notifies {@code generation_job_queued} on commit and {@link org.text2image.server.support.DatabaseSignals}'s LISTEN
 * connection hears it, exactly as a submit on another server instance would be heard.
 */
@IntegrationTest
class LongPollClaimTest {

    private static final String TOKEN = "test-worker-token";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration GUARD = Duration.ofSeconds(15);

    @LocalServerPort int port;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired AccountService accounts;
    @Autowired ClaimWaiters waiters;
    @Autowired TestDatabase db;
    @Autowired LedgerInvariants invariants;

    final HttpClient http = HttpClient.newHttpClient();
    long user;

    @BeforeEach
    void setUp() {
        db.clean();
        user = accounts.register("longpoll@example.com", "correct horse").id();
    }

    @AfterEach
    void noClaimLeftWaiting() throws Exception {
        waiters.cancel("gpu-a");
        waiters.cancel("gpu-b");
        await(() -> waiters.size() == 0);
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void aWaitingClaimGetsTheJobSubmittedWhileItWaits() throws Exception {
        CompletableFuture<HttpResponse<String>> claim = claim("gpu-a", true, TestCatalog.CHECKPOINTS, 20);
        await(() -> waiters.size() == 1);

        UUID jobId = generation.submit(user, GenerationRequest.ofPrompt("a heron")).id();

        HttpResponse<String> answer = claim.get(GUARD.toSeconds(), TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(JSON.readValue(answer.body(), LeasedJob.class).jobId()).isEqualTo(jobId);
        assertThat(status(jobId)).isEqualTo("RUNNING");
    }

    @Test
    void aRetriedJobGoesToAWorkerThatIsWaiting() throws Exception {
        UUID jobId = generation.submit(user, GenerationRequest.ofPrompt("a heron")).id();
        LeasedJob first = queue.claim("gpu-b", TestCatalog.CHECKPOINTS).orElseThrow();
        CompletableFuture<HttpResponse<String>> waiting = claim("gpu-a", true, TestCatalog.CHECKPOINTS, 20);
        await(() -> waiters.size() == 1);

        queue.fail(jobId, first.attempt(), WorkerIdentity.CONFIGURED, "CUDA error", true);

        HttpResponse<String> answer = waiting.get(GUARD.toSeconds(), TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        LeasedJob retry = JSON.readValue(answer.body(), LeasedJob.class);
        assertThat(retry.jobId()).isEqualTo(jobId);
        assertThat(retry.attempt()).isEqualTo(2);
    }

    @Test
    void aWaitingWorkerWithoutTheCheckpointIsPassedOver() throws Exception {
        CompletableFuture<HttpResponse<String>> sdxlOnly = claim("gpu-a", true, List.of("sd_xl_base_1.0.safetensors"), 20);
        CompletableFuture<HttpResponse<String>> sd15 = claim("gpu-b", true, List.of("v1-5-pruned-emaonly.safetensors"), 20);
        await(() -> waiters.size() == 2);

        UUID jobId = generation.submit(user, GenerationRequest.ofPrompt("a heron")).id();

        HttpResponse<String> answer = sd15.get(GUARD.toSeconds(), TimeUnit.SECONDS);
        assertThat(JSON.readValue(answer.body(), LeasedJob.class).jobId()).isEqualTo(jobId);
        assertThat(sdxlOnly).isNotDone();
        assertThat(waiters.size()).isEqualTo(1);
    }

    @Test
    void aClaimWhoseWaitEndsAnswers204AndLeasesNothing() throws Exception {
        HttpResponse<String> answer = claim("gpu-a", true, TestCatalog.CHECKPOINTS, 1).get(GUARD.toSeconds(), TimeUnit.SECONDS);

        assertThat(answer.statusCode()).isEqualTo(204);
        assertThat(waiters.size()).isZero();
        UUID jobId = generation.submit(user, GenerationRequest.ofPrompt("a heron")).id();
        assertThat(status(jobId)).isEqualTo("QUEUED");
    }

    @Test
    void aWorkerWhoseComfyUiIsDownIsAnsweredAtOnceNotHeld() throws Exception {
        generation.submit(user, GenerationRequest.ofPrompt("a heron"));

        HttpResponse<String> answer = claim("gpu-a", false, TestCatalog.CHECKPOINTS, 20).get(GUARD.toSeconds(), TimeUnit.SECONDS);

        assertThat(answer.statusCode()).isEqualTo(204);
        assertThat(waiters.size()).isZero();
    }

    @Test
    void cancelEndsOnlyThatWorkersWaitingClaim() throws Exception {
        CompletableFuture<HttpResponse<String>> a = claim("gpu-a", true, TestCatalog.CHECKPOINTS, 20);
        CompletableFuture<HttpResponse<String>> b = claim("gpu-b", true, TestCatalog.CHECKPOINTS, 20);
        await(() -> waiters.size() == 2);

        HttpResponse<String> cancel = post("/claim/cancel", "{\"workerName\": \"gpu-a\"}");

        assertThat(cancel.statusCode()).isEqualTo(204);
        assertThat(a.get(GUARD.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(204);
        await(() -> waiters.size() == 1);
        UUID jobId = generation.submit(user, GenerationRequest.ofPrompt("a heron")).id();
        assertThat(JSON.readValue(b.get(GUARD.toSeconds(), TimeUnit.SECONDS).body(), LeasedJob.class).jobId())
                .isEqualTo(jobId);
    }

    @Test
    void aNewClaimFromTheSameWorkerEndsItsLeftoverWait() throws Exception {
        CompletableFuture<HttpResponse<String>> leftover = claim("gpu-a", true, TestCatalog.CHECKPOINTS, 20); // the worker crashed
        await(() -> waiters.size() == 1);
        CompletableFuture<HttpResponse<String>> restarted = claim("gpu-a", true, TestCatalog.CHECKPOINTS, 20);

        assertThat(leftover.get(GUARD.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(204);
        UUID jobId = generation.submit(user, GenerationRequest.ofPrompt("a heron")).id();
        assertThat(JSON.readValue(restarted.get(GUARD.toSeconds(), TimeUnit.SECONDS).body(), LeasedJob.class).jobId())
                .isEqualTo(jobId);
    }

    @Test
    void handBackOverHttpQueuesTheJobAgainAndAStaleOneIs409() throws Exception {
        UUID jobId = generation.submit(user, GenerationRequest.ofPrompt("a heron")).id();
        LeasedJob claimed = queue.claim("gpu-a", TestCatalog.CHECKPOINTS).orElseThrow();
        queue.heartbeat(jobId, claimed.attempt(), WorkerIdentity.CONFIGURED, 0, 20, true);

        HttpResponse<String> handBack = post("/jobs/" + jobId + "/handback",
                "{\"attempt\": " + claimed.attempt() + ", \"reason\": \"worker shutting down\"}");
        HttpResponse<String> again = post("/jobs/" + jobId + "/handback",
                "{\"attempt\": " + claimed.attempt() + ", \"reason\": \"worker shutting down\"}");

        assertThat(handBack.statusCode()).isEqualTo(200);
        assertThat(handBack.body()).contains("QUEUED");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(status(jobId)).isEqualTo("QUEUED");
    }

    @Test
    void badCancelAndHandBackBodiesAreRefused() throws Exception {
        assertThat(post("/claim/cancel", "{\"workerName\": \"\"}").statusCode()).isEqualTo(400);
        assertThat(post("/claim/cancel", "{\"workerName\": ").statusCode()).isEqualTo(400);
        assertThat(post("/jobs/not-a-uuid/handback", "{\"attempt\": 1}").statusCode()).isEqualTo(400);
    }

    private CompletableFuture<HttpResponse<String>> claim(String worker, boolean reachable, List<String> checkpoints,
                                                         int waitSeconds) {
        String body = JSON.writeValueAsString(new ClaimRequest(worker, reachable, checkpoints, null, null, null, null,
                waitSeconds));
        return http.sendAsync(request("/claim", body).timeout(Duration.ofSeconds(waitSeconds + 10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(request(path, json).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path, String json) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/worker/v1" + path))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private String status(UUID jobId) {
        return db.jdbc().sql("SELECT status FROM generation_job WHERE id = ?").params(jobId).query(String.class).single();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + GUARD.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within " + GUARD);
            }
            Thread.sleep(10);
        }
    }
}
