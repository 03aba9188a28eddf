package org.text2image.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.text2image.worker.api.ClaimRequest;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.FailRequest;
import org.text2image.worker.api.Heartbeat;
import org.text2image.worker.comfyui.standin.ComfyUiFixtures;

/** The worker API client against a fake server. */
class WorkerApiClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private FakeWorkerApi server;
    private WorkerApiClient client;

    @BeforeEach
    void start() throws Exception {
        server = new FakeWorkerApi();
        client = client(server.baseUrl(), FakeWorkerApi.TOKEN);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void claimIsEmptyWhenThereIsNoWork() {
        assertThat(client.claim(new ClaimRequest("w", true, List.of()))).isEmpty();
    }

    @Test
    void claimReturnsTheLeasedJobWithItsWorkflow() {
        ClaimedJob offered = Jobs.claimed(ComfyUiFixtures.sd15Workflow(), 2, 300);
        server.offer(offered);

        assertThat(client.claim(new ClaimRequest("w", true, List.of("a.safetensors")))).hasValue(offered);
        assertThat(server.claims()).containsExactly(new ClaimRequest("w", true, List.of("a.safetensors")));
    }

    @Test
    void aWrongTokenThrowsAClearAuthException() {
        WorkerApiClient wrong = client(server.baseUrl(), "wrong");

        assertThatThrownBy(() -> wrong.claim(new ClaimRequest("w", true, List.of())))
                .isInstanceOf(WorkerAuthException.class)
                .hasMessage("claim answered HTTP 401: bad worker token (is the worker token right?)");
    }

    @Test
    void aHeartbeatAnswered409ThrowsStaleAttempt() {
        server.answerHeartbeatsWith(409);

        assertThatThrownBy(() -> client.heartbeat(UUID.randomUUID(), new Heartbeat(1, 3, 20)))
                .isInstanceOf(StaleAttemptException.class).hasMessageContaining("attempt is stale");
    }

    @Test
    void completeSendsTheAttemptAndEachImageAsMultipartParts() {
        UUID jobId = UUID.randomUUID();
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, '-', '-'};

        client.complete(jobId, 4, List.of(new ImageFile("a_00001_.png", "image/png", png),
                new ImageFile("b\"\r\n.webp", "image/webp", "webp".getBytes(StandardCharsets.UTF_8))));

        assertThat(server.completions()).singleElement().satisfies(completion -> {
            assertThat(completion.jobId()).isEqualTo(jobId);
            assertThat(completion.attempt()).isEqualTo(4);
            assertThat(completion.images()).extracting(FakeWorkerApi.Part::name).containsOnly("image");
            assertThat(completion.images()).extracting(FakeWorkerApi.Part::filename).containsExactly("a_00001_.png", "b___.webp");
            assertThat(completion.images()).extracting(FakeWorkerApi.Part::contentType).containsExactly("image/png", "image/webp");
            assertThat(completion.images().getFirst().bytes()).isEqualTo(png);
        });
    }

    @Test
    void anUploadIsGivenOneSecondMorePerMebibyteOnTopOfTheRequestTimeout() {
        Duration base = Duration.ofSeconds(60);
        long mib = WorkerApiClient.UPLOAD_FLOOR_BYTES_PER_SECOND;

        assertThat(WorkerApiClient.uploadTimeout(base, 300 * mib)).isEqualTo(Duration.ofSeconds(360));
        assertThat(WorkerApiClient.uploadTimeout(base, 300 * mib + 1)).isEqualTo(Duration.ofSeconds(361));
        assertThat(WorkerApiClient.uploadTimeout(base, 1)).isEqualTo(Duration.ofSeconds(61));
        assertThat(WorkerApiClient.uploadTimeout(base, -1)).isEqualTo(base);
    }

    @Test
    void aCompletionOfAVideoOnDiskWaitsForItsAnswerLongerThanAnImageOne(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path video = dir.resolve("v_00001_.mp4");
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(video.toFile(), "rw")) {
            file.setLength(300L * WorkerApiClient.UPLOAD_FLOOR_BYTES_PER_SECOND); // sparse: 300 MiB
        }
        UUID jobId = UUID.randomUUID();

        java.net.http.HttpRequest request = client.completeRequest(jobId, 1,
                List.of(ImageFile.onDisk("v_00001_.mp4", "video/mp4", video)));
        java.net.http.HttpRequest small = client.completeRequest(jobId, 1,
                List.of(new ImageFile("a.png", "image/png", new byte[] {1, 2, 3})));

        long body = request.bodyPublisher().orElseThrow().contentLength();
        assertThat(body).isGreaterThan(300L * WorkerApiClient.UPLOAD_FLOOR_BYTES_PER_SECOND);
        assertThat(request.timeout()).hasValue(WorkerApiClient.uploadTimeout(TIMEOUT, body));
        assertThat(request.timeout().orElseThrow()).isEqualTo(TIMEOUT.plusSeconds(301));
        assertThat(small.timeout()).hasValue(TIMEOUT.plusSeconds(1));
    }

    @Test
    void aClaimWithoutAnInputImageHasNoneAndOneWithItNamesIt() {
        ClaimedJob plain = Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow());
        UUID jobId = UUID.randomUUID();
        org.text2image.worker.api.InputImage input = new org.text2image.worker.api.InputImage(jobId + "-1.jpg",
                org.text2image.worker.api.WorkerApi.INPUT_SUBFOLDER, "image/jpeg");
        server.offer(plain);
        server.offer(new ClaimedJob(jobId, 1, ComfyUiFixtures.modelFreeWorkflow(), jobId + "-1", 30, 60, input));

        ClaimRequest claim = new ClaimRequest("w", true, List.of());
        assertThat(client.claim(claim).orElseThrow().inputImage()).isNull();
        assertThat(client.claim(claim).orElseThrow().inputImage()).isEqualTo(input);
    }

    @Test
    void anOlderServersClaimWithoutTheInputImagePropertyIsRead() throws Exception {
        String json = "{\"jobId\": \"" + UUID.randomUUID() + "\", \"attempt\": 1, \"workflow\": {}, \"promptId\": \"p\","
                + " \"leaseSeconds\": 30, \"timeoutSeconds\": 60}";

        assertThat(WorkerApiClient.JSON.readValue(json, ClaimedJob.class).inputImage()).isNull();
    }

    @Test
    void fetchesTheInputImageWithItsContentTypeAndTellsAStaleAttemptApart() {
        UUID jobId = UUID.randomUUID();
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2};
        server.inputImage(jobId, "image/jpeg", jpeg);

        WorkerApiClient.InputImageBytes image = client.inputImage(jobId, 3);

        assertThat(image.contentType()).isEqualTo("image/jpeg");
        assertThat(image.bytes()).isEqualTo(jpeg);
        assertThat(server.events()).containsExactly("input-image " + jobId);
        assertThatThrownBy(() -> client.inputImage(UUID.randomUUID(), 1)).isInstanceOf(WorkerApiException.class)
                .isNotInstanceOf(WorkerApiUnavailableException.class).hasMessageContaining("404");
        server.answerInputImagesWith(409);
        assertThatThrownBy(() -> client.inputImage(jobId, 3)).isInstanceOf(StaleAttemptException.class);
        server.answerInputImagesWith(503);
        assertThatThrownBy(() -> client.inputImage(jobId, 3)).isInstanceOf(WorkerApiUnavailableException.class);
    }

    @Test
    void failSendsTheReasonAndAnswersTheJobsState() {
        UUID jobId = UUID.randomUUID();

        assertThat(client.fail(jobId, new FailRequest(1, "bad", false)).status()).isEqualTo("FAILED");
        assertThat(server.failures()).containsExactly(new FakeWorkerApi.Failure(jobId, new FailRequest(1, "bad", false)));
    }

    @Test
    void anUnavailableServerThrowsARetryableException() {
        server.unavailable(true);

        assertThatThrownBy(() -> client.claim(new ClaimRequest("w", true, List.of())))
                .isInstanceOf(WorkerApiUnavailableException.class).hasMessageContaining("503");
    }

    @Test
    void anUnreachableServerThrowsARetryableException() {
        URI gone = server.baseUrl();
        server.close();

        assertThatThrownBy(() -> client(gone, FakeWorkerApi.TOKEN).claim(new ClaimRequest("w", true, List.of())))
                .isInstanceOf(WorkerApiUnavailableException.class);
    }

    private static WorkerApiClient client(URI url, String token) {
        return new WorkerApiClient(url, token, Duration.ofSeconds(2), TIMEOUT);
    }
}
