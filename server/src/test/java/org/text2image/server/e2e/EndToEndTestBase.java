package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.Viewer;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestDatabase;
import org.text2image.worker.comfyui.standin.ComfyUiStandIn;

/**
 * The whole platform: the server with its <b>embedded worker</b> (the real worker module over the
 * real worker API on loopback) driving the ComfyUI stand-in, on the embedded PostgreSQL. One
 * stand-in and one Spring context are shared by every subclass.
 */
@IntegrationTest
@AutoConfigureMockMvc
abstract class EndToEndTestBase {

    static final String CHECKPOINT = "v1-5-pruned-emaonly.safetensors";
    static final ComfyUiStandIn STAND_IN = new ComfyUiStandIn().start().installedCheckpoints(CHECKPOINT);

    @DynamicPropertySource
    static void embeddedWorkerDrivesTheStandIn(DynamicPropertyRegistry registry) {
        registry.add("text2image.embedded-worker.enabled", () -> "true");
        registry.add("text2image.embedded-worker.comfyui-url", () -> STAND_IN.baseUrl().toString());
        registry.add("text2image.embedded-worker.idle-interval", () -> "50ms");
        registry.add("text2image.embedded-worker.heartbeat-interval", () -> "200ms");
        registry.add("text2image.embedded-worker.health-check-interval", () -> "200ms");
    }

    @Autowired TestDatabase db;
    @Autowired GenerationService generation;
    @Autowired LedgerInvariants invariants;

    @BeforeEach
    void resetPlatform() throws InterruptedException {
        STAND_IN.comeBackOnline();
        STAND_IN.failNextRuns(0);
        STAND_IN.hangNextRuns(0);
        STAND_IN.runDuration(Duration.ZERO);
        assertThat(STAND_IN.awaitIdle(Duration.ofSeconds(10))).isTrue();
        db.clean();
    }

    /** Polls the job until {@code done} holds, for at most 30 s. */
    JobView awaitJob(UUID jobId, long ownerId, Predicate<JobView> done) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        JobView job = generation.find(jobId, new Viewer(ownerId, false)).orElseThrow();
        while (!done.test(job) && Instant.now().isBefore(deadline)) {
            Thread.sleep(25);
            job = generation.find(jobId, new Viewer(ownerId, false)).orElseThrow();
        }
        assertThat(done.test(job)).as("job %s reached the expected state; last seen %s", jobId, job).isTrue();
        return job;
    }

    long count(String sql, Object... params) {
        return db.jdbc().sql(sql).params(params).query(Long.class).single();
    }
}
