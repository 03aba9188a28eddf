package org.text2image.server.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.text2image.server.account.AccountService;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.LeasedJob;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.generation.queue.JobInputImages;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.storage.ImageStore;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.InputImage;
import org.text2image.worker.StaleAttemptException;
import org.text2image.worker.WorkerApiClient;
import org.text2image.worker.WorkerApiException;
import org.text2image.worker.api.WorkerApi;

/**
 * {@code GET /api/worker/v1/jobs/{id}/input-image?attempt=N}: an image-to-video job's input image,
 * only for the worker holding that attempt. The video job is made from an ordinary job with SQL
 * (frames, fps and input_image_id, migration V31), its input image a finished job's image.
 */
@IntegrationTest
class InputImageEndpointTest {

    private static final String CONFIGURED_TOKEN = "test-worker-token";

    @LocalServerPort int port;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired JobInputImages inputImages;
    @Autowired ImageStore store;
    @Autowired AccountService accounts;
    @Autowired WorkerTokens tokens;
    @Autowired TestDatabase db;

    final HttpClient http = HttpClient.newHttpClient();
    long owner;
    UUID imageId;
    byte[] imageBytes;

    @BeforeEach
    void setUp() {
        db.clean();
        owner = accounts.register("video@example.com", "correct horse").id();
        UUID earlier = generation.submit(owner, GenerationRequest.ofPrompt("a heron")).id();
        LeasedJob claimed = queue.claim("gpu-1", TestCatalog.CHECKPOINTS).orElseThrow();
        queue.complete(earlier, claimed.attempt(), WorkerIdentity.CONFIGURED, TestImages.result(db, earlier));
        imageId = db.jdbc().sql("SELECT id FROM job_image WHERE job_id = ? ORDER BY position LIMIT 1").params(earlier)
                .query(UUID.class).single();
        String key = db.jdbc().sql("SELECT storage_key FROM job_image WHERE id = ?").params(imageId).query(String.class).single();
        imageBytes = store.get(key).orElseThrow();
    }

    private UUID videoJobFromImage() {
        UUID jobId = generation.submit(owner, GenerationRequest.ofPrompt("the heron takes off")).id();
        db.jdbc().sql("UPDATE generation_job SET frames = 17, fps = 16, input_image_id = ? WHERE id = ?")
                .params(imageId, jobId).update();
        return jobId;
    }

    @Test
    void theClaimNamesTheInputImageAndItsWorkerGetsTheStoredBytes() throws Exception {
        UUID jobId = videoJobFromImage();
        LeasedJob claimed = queue.claim("gpu-1", TestCatalog.CHECKPOINTS).orElseThrow();

        ClaimedJob wire = WireRecords.claimedJob(claimed);
        assertThat(wire.inputImage()).isEqualTo(new InputImage(jobId + "-" + claimed.attempt() + ".png",
                WorkerApi.INPUT_SUBFOLDER, "image/png"));
        assertThat(inputImages.of(jobId)).hasValueSatisfying(image -> {
            assertThat(image.imageId()).isEqualTo(imageId);
            assertThat(image.contentType()).isEqualTo("image/png");
        });

        HttpResponse<byte[]> answer = get(jobId, claimed.attempt(), CONFIGURED_TOKEN);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(answer.body()).isEqualTo(imageBytes);
    }

    @Test
    void theWorkersOwnClientReadsTheInputImageAndTellsAStaleAttemptApart() {
        UUID jobId = videoJobFromImage();
        LeasedJob claimed = queue.claim("gpu-1", TestCatalog.CHECKPOINTS).orElseThrow();

        try (WorkerApiClient client = new WorkerApiClient(URI.create("http://localhost:" + port), CONFIGURED_TOKEN,
                Duration.ofSeconds(2), Duration.ofSeconds(10))) {
            WorkerApiClient.InputImageBytes image = client.inputImage(jobId, claimed.attempt());

            assertThat(image.contentType()).isEqualTo("image/png");
            assertThat(image.bytes()).isEqualTo(imageBytes);
            assertThatThrownBy(() -> client.inputImage(jobId, claimed.attempt() + 1)).isInstanceOf(StaleAttemptException.class);
            assertThatThrownBy(() -> client.inputImage(UUID.randomUUID(), 1)).isInstanceOf(WorkerApiException.class)
                    .hasMessageContaining("404");
        }
    }

    @Test
    void aJobWithoutAnInputImageIsClaimedWithoutOneAndItsInputImageIs404() throws Exception {
        UUID jobId = generation.submit(owner, GenerationRequest.ofPrompt("a still heron")).id();
        LeasedJob claimed = queue.claim("gpu-1", TestCatalog.CHECKPOINTS).orElseThrow();

        assertThat(WireRecords.claimedJob(claimed).inputImage()).isNull();
        assertThat(inputImages.of(jobId)).isEmpty();
        HttpResponse<byte[]> answer = get(jobId, claimed.attempt(), CONFIGURED_TOKEN);
        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains("has no input image");
    }

    @Test
    void aStaleAttemptIs409AnUnknownJob404AndAnotherWorkersToken403() throws Exception {
        UUID jobId = videoJobFromImage();
        LeasedJob claimed = queue.claim("gpu-1", TestCatalog.CHECKPOINTS).orElseThrow();
        String othersToken = tokens.create("gpu-2", owner, "video@example.com").token();

        assertThat(get(jobId, claimed.attempt() + 1, CONFIGURED_TOKEN).statusCode()).isEqualTo(409);
        assertThat(get(jobId, claimed.attempt() - 1, CONFIGURED_TOKEN).statusCode()).isEqualTo(409);
        assertThat(get(UUID.randomUUID(), 1, CONFIGURED_TOKEN).statusCode()).isEqualTo(404);
        assertThat(get(jobId, claimed.attempt(), othersToken).statusCode()).isEqualTo(403);
        assertThat(get(jobId, claimed.attempt(), "t2iw_" + "A".repeat(43)).statusCode()).isEqualTo(401);

        queue.fail(jobId, claimed.attempt(), WorkerIdentity.CONFIGURED, "try again", true);
        assertThat(get(jobId, claimed.attempt(), CONFIGURED_TOKEN).statusCode()).isEqualTo(409);
    }

    @Test
    void theWorkerTheAttemptIsLeasedToMayFetchItWithItsIssuedToken() throws Exception {
        UUID jobId = videoJobFromImage();
        String token = tokens.create("gpu-7", owner, "video@example.com").token();
        LeasedJob claimed = queue.claim("gpu-7", TestCatalog.CHECKPOINTS).orElseThrow();

        HttpResponse<byte[]> answer = get(jobId, claimed.attempt(), token);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(imageBytes);
    }

    private HttpResponse<byte[]> get(UUID jobId, int attempt, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + WorkerApi.BASE_PATH + "/jobs/" + jobId
                        + "/input-image?attempt=" + attempt)).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
