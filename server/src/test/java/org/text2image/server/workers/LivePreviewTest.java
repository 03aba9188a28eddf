package org.text2image.server.workers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.text2image.server.generation.Viewer;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.Images;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.worker.api.WorkerApiLimits;

/** Live previews: relayed by the running attempt's worker, shown to the job's owner only, gone when the attempt ends. */
@IntegrationTest
class LivePreviewTest {

    @LocalServerPort int port;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired AccountService accounts;
    @Autowired TestDatabase db;

    final HttpClient http = HttpClient.newHttpClient();
    long owner;
    long stranger;

    @BeforeEach
    void setUp() {
        db.clean();
        owner = accounts.register("preview@example.com", "correct horse").id();
        stranger = accounts.register("stranger@example.com", "correct horse").id();
    }

    @Test
    void theRunningAttemptsPreviewIsShownToItsOwnerAndGoesWhenTheJobEnds() throws Exception {
        UUID jobId = generation.submit(owner, GenerationRequest.ofPrompt("a heron")).id();
        LeasedJob claimed = queue.claim("gpu-1", TestCatalog.CHECKPOINTS).orElseThrow();
        byte[] png = Images.png(64, 64);

        assertThat(postPreview(jobId, claimed.attempt(), "image/png", png).statusCode()).isEqualTo(204);

        assertThat(generation.preview(jobId, new Viewer(owner, false))).hasValueSatisfying(preview -> {
            assertThat(preview.contentType()).isEqualTo("image/png");
            assertThat(preview.bytes()).isEqualTo(png);
        });
        assertThat(generation.progress(jobId, new Viewer(owner, false)).orElseThrow().previewVersion()).isPositive();
        assertThat(generation.preview(jobId, new Viewer(stranger, false))).isEmpty();

        queue.complete(jobId, claimed.attempt(), WorkerIdentity.CONFIGURED, TestImages.result(db, jobId));
        assertThat(generation.preview(jobId, new Viewer(owner, false))).isEmpty();
        assertThat(db.jdbc().sql("SELECT count(*) FROM job_preview").query(Long.class).single()).isZero();
    }

    @Test
    void aPreviewFromAnAttemptThatNoLongerHoldsTheJobIs409AndNotKept() throws Exception {
        UUID jobId = generation.submit(owner, GenerationRequest.ofPrompt("a heron")).id();
        LeasedJob claimed = queue.claim("gpu-1", TestCatalog.CHECKPOINTS).orElseThrow();

        assertThat(postPreview(jobId, claimed.attempt() + 1, "image/png", Images.png(64, 64)).statusCode()).isEqualTo(409);
        assertThat(postPreview(UUID.randomUUID(), 1, "image/png", Images.png(64, 64)).statusCode()).isEqualTo(409);
        assertThat(db.jdbc().sql("SELECT count(*) FROM job_preview").query(Long.class).single()).isZero();
    }

    @Test
    void aPreviewThatIsNotAnImageOrTooLargeIsRefused() throws Exception {
        UUID jobId = generation.submit(owner, GenerationRequest.ofPrompt("a heron")).id();
        LeasedJob claimed = queue.claim("gpu-1", TestCatalog.CHECKPOINTS).orElseThrow();

        assertThat(postPreview(jobId, claimed.attempt(), "image/png", "not a png".getBytes()).statusCode()).isEqualTo(400);
        assertThat(postPreview(jobId, claimed.attempt(), "image/png", new byte[WorkerApiLimits.MAX_PREVIEW_BYTES + 1]).statusCode())
                .isEqualTo(413);
        assertThat(postPreview(jobId, claimed.attempt(), "text/plain", Images.png(8, 8)).statusCode()).isEqualTo(415);
        assertThat(db.jdbc().sql("SELECT count(*) FROM job_preview").query(Long.class).single()).isZero();
    }

    private HttpResponse<String> postPreview(UUID jobId, int attempt, String contentType, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/worker/v1/jobs/" + jobId
                                + "/preview?attempt=" + attempt))
                        .header("Content-Type", contentType).header("Authorization", "Bearer test-worker-token")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
