package org.text2image.server.workers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.LeasedJob;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.PlanTerms;
import org.text2image.server.plans.Plans;
import org.text2image.server.plans.SubscriptionSource;
import org.text2image.server.storage.ImageStore;
import org.text2image.server.support.Images;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestDatabase;
import org.text2image.worker.WorkerApiClient;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.WorkerApi;

/**
 * An image-to-video job submitted like a user would (test model {@code video-i2v}, whose template
 * loads {@code {{input_image}}}): the claim names the very file the rendered {@code LoadImage} reads,
 * and the worker's own client fetches the user's image for it.
 */
@IntegrationTest
@TestPropertySource(properties = {
        "text2image.plans.file=src/test/resources/config/plans-video.json",
        "text2image.catalog.models-file=src/test/resources/config/models-video.json",
        "text2image.accounts.signup-credits=1000"
})
class ImageToVideoClaimTest {

    @LocalServerPort int port;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired AccountService accounts;
    @Autowired PlanTerms terms;
    @Autowired Plans plans;
    @Autowired ImageStore store;
    @Autowired TestDatabase db;

    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse");
        terms.apply(alice.id(), plans.find("pro").orElseThrow(), BillingPeriod.WEEKLY, SubscriptionSource.UPI, 1);
    }

    @Test
    void theClaimNamesTheFileTheRenderedLoadImageReadsAndTheWorkerFetchesTheUsersImage() {
        byte[] png = Images.png(64, 64);
        UUID imageId = storedImage(png);
        UUID jobId = generation.enqueue(alice.id(), new GenerationRequest("video-i2v", "the fox turns", null, null, null,
                null, null, null, null, null, null, null, null, imageId));

        LeasedJob leased = queue.claim("gpu-1", List.of()).orElseThrow();
        ClaimedJob claimed = WireRecords.claimedJob(leased);

        assertThat(claimed.jobId()).isEqualTo(jobId);
        assertThat(claimed.inputImage().name()).isEqualTo(WorkerApi.inputImageName(jobId, claimed.attempt(), "image/png"));
        assertThat(claimed.inputImage().subfolder()).isEqualTo(WorkerApi.INPUT_SUBFOLDER);
        assertThat(claimed.inputImage().contentType()).isEqualTo("image/png");
        assertThat(claimed.workflow().path("1").path("inputs").path("image").asString())
                .isEqualTo(claimed.inputImage().subfolder() + "/" + claimed.inputImage().name());
        try (WorkerApiClient client = new WorkerApiClient(URI.create("http://localhost:" + port), "test-worker-token",
                Duration.ofSeconds(2), Duration.ofSeconds(10))) {
            assertThat(client.inputImage(jobId, claimed.attempt()).bytes()).isEqualTo(png);
        }
    }

    /** One of alice's own images: a job_image row of a (cancelled) job of hers, its bytes in the store. */
    private UUID storedImage(byte[] png) {
        UUID jobId = generation.enqueue(alice.id(), GenerationRequest.of("modelfree", "a picture"));
        generation.cancel(jobId, alice.id());
        UUID imageId = UUID.randomUUID();
        String key = "jobs/" + jobId + "/" + imageId;
        store.put(key, png);
        db.jdbc().sql("INSERT INTO job_image (id, job_id, position, storage_key, content_type, size_bytes, created_at) "
                + "VALUES (?, ?, 0, ?, 'image/png', ?, now())").params(imageId, jobId, key, png.length).update();
        return imageId;
    }
}
