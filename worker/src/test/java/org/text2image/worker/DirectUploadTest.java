package org.text2image.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.comfyui.standin.ComfyUiFixtures;

/** Direct upload to the bucket when the server offers it, and the multipart completion otherwise. */
class DirectUploadTest {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 1, 2, 3};

    private FakeWorkerApi server;
    private WorkerApiClient client;
    private ServerReporter reporter;
    private ClaimedJob job;

    @BeforeEach
    void start() throws Exception {
        server = new FakeWorkerApi();
        client = new WorkerApiClient(server.baseUrl(), FakeWorkerApi.TOKEN, Duration.ofSeconds(2), Duration.ofSeconds(10));
        reporter = new ServerReporter(client);
        job = Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void withoutDirectUploadTheImagesGoAsMultipart() {
        AttemptResult result = reporter.complete(job, List.of(new ImageFile("a.png", "image/png", PNG)));

        assertThat(result.outcome()).isEqualTo(JobReport.Outcome.SUCCEEDED);
        assertThat(server.calls()).containsExactly("upload-urls", "complete");
        assertThat(server.completions()).singleElement().satisfies(completion ->
                assertThat(completion.images()).singleElement().satisfies(part -> assertThat(part.bytes()).isEqualTo(PNG)));
        assertThat(server.keyedCompletions()).isEmpty();
        assertThat(server.bucket()).isEmpty();
    }

    @Test
    void aServerWithoutDirectUploadIsAskedAgainOnlyAfterTenMinutes() {
        Instant[] now = {Instant.parse("2026-12-02T10:00:00Z")};
        Clock clock = new Clock() {
            @Override public ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(ZoneId zone) { return this; }
            @Override public Instant instant() { return now[0]; }
        };
        ServerReporter remembering = new ServerReporter(client, clock);
        List<ImageFile> images = List.of(new ImageFile("a.png", "image/png", PNG));

        remembering.complete(job, images);
        remembering.complete(Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow()), images);
        now[0] = now[0].plus(DirectUpload.RECHECK_OFF);
        remembering.complete(Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow()), images);

        assertThat(server.calls()).containsExactly("upload-urls", "complete", "complete", "upload-urls", "complete");
        assertThat(server.completions()).hasSize(3);
    }

    @Test
    void putsEachPngIntoTheBucketWithTheSignedHeadersThenCompletesWithTheKeys() throws Exception {
        server.offerDirectUploads();
        byte[] second = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 9};

        AttemptResult result = reporter.complete(job, List.of(new ImageFile("a.png", "image/png", PNG),
                new ImageFile("b.png", "image/png", second)));

        assertThat(result.outcome()).isEqualTo(JobReport.Outcome.SUCCEEDED);
        assertThat(result.images()).isEqualTo(2);
        String prefix = "uploads/" + job.jobId() + "/" + job.attempt() + "/";
        assertThat(server.bucket()).containsOnlyKeys(prefix + "0.png", prefix + "1.png");
        assertThat(server.bucket().get(prefix + "0.png")).isEqualTo(PNG);
        assertThat(server.bucketHeaders().getFirst()).containsEntry("content-type", "image/png")
                .containsEntry("content-md5", md5(PNG)).doesNotContainKey("authorization");
        assertThat(server.completions()).isEmpty();
        assertThat(server.keyedCompletions()).singleElement().satisfies(completion -> {
            assertThat(completion.attempt()).isEqualTo(job.attempt());
            assertThat(completion.images()).extracting(image -> image.key()).containsExactly(prefix + "0.png", prefix + "1.png");
            assertThat(completion.images().getFirst().size()).isEqualTo(PNG.length);
            assertThat(completion.images().getFirst().md5()).isEqualTo(md5(PNG));
        });
    }

    @Test
    void aRefusedPutFallsBackToMultipart() {
        server.offerDirectUploads();
        server.answerBucketPutsWith(403);

        AttemptResult result = reporter.complete(job, List.of(new ImageFile("a.png", "image/png", PNG)));

        assertThat(result.outcome()).isEqualTo(JobReport.Outcome.SUCCEEDED);
        assertThat(server.keyedCompletions()).isEmpty();
        assertThat(server.completions()).singleElement().satisfies(completion ->
                assertThat(completion.images()).singleElement().satisfies(part -> assertThat(part.bytes()).isEqualTo(PNG)));
    }

    @Test
    void aJpegIsNeverUploadedDirectly() {
        server.offerDirectUploads();

        reporter.complete(job, List.of(new ImageFile("a.jpg", "image/jpeg", new byte[] {(byte) 0xff, (byte) 0xd8})));

        assertThat(server.calls()).containsExactly("complete");
        assertThat(server.bucket()).isEmpty();
    }

    private static String md5(byte[] bytes) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
    }
}
