package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.Viewer;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.Images;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.worker.ImageFile;
import org.text2image.worker.StaleAttemptException;
import org.text2image.worker.WorkerApiClient;
import org.text2image.worker.WorkerConfig;
import org.text2image.worker.WorkerLoop;
import org.text2image.worker.api.ClaimRequest;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.Heartbeat;
import org.text2image.worker.comfyui.standin.ComfyUiStandIn;

/**
 * Workers that die or overrun, with real {@link WorkerLoop}s (the standalone worker's code) over
 * HTTP against the stand-in; the server's clock is moved to expire leases and deadlines.
 */
@IntegrationTest
class WorkerCrashEndToEndTest {

    private static final String TOKEN = "test-worker-token";
    private static final ComfyUiStandIn STAND_IN = new ComfyUiStandIn().start()
            .installedCheckpoints("v1-5-pruned-emaonly.safetensors");

    @LocalServerPort int port;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;
    @Autowired LedgerInvariants invariants;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;

    final List<WorkerLoop> workers = new ArrayList<>();
    long user;

    @BeforeEach
    void setUp() throws InterruptedException {
        STAND_IN.hangNextRuns(0);
        STAND_IN.failNextRuns(0);
        assertThat(STAND_IN.awaitIdle(Duration.ofSeconds(10))).isTrue();
        db.clean();
        clock.reset();
        user = accounts.register("crash@example.com", "correct horse").id();
    }

    @AfterEach
    void stopWorkers() throws InterruptedException {
        for (WorkerLoop worker : workers) {
            worker.stopNow();
            assertThat(worker.awaitStopped(Duration.ofSeconds(20))).isTrue();
        }
        clock.reset();
        assertThat(invariants.violations()).isEmpty();
    }

    @AfterAll
    static void closeStandIn() {
        STAND_IN.close();
    }

    @Test
    void aJobWhoseWorkerDiedIsFinishedByAnotherWorkerAndChargedOnce() throws Exception {
        JobView job = generation.submit(user, GenerationRequest.ofPrompt("survives a crash"));
        // A worker claims the job and dies: no heartbeat, no result, ever.
        WorkerApiClient doomed = new WorkerApiClient(server(), TOKEN, Duration.ofSeconds(5), Duration.ofSeconds(30));
        ClaimedJob lost = doomed.claim(new ClaimRequest("gpu-doomed", true, TestCatalog.CHECKPOINTS)).orElseThrow();
        doomed.heartbeat(lost.jobId(), new Heartbeat(lost.attempt(), 0, 0)); // it started, then died

        clock.advance(Duration.ofSeconds(61));
        assertThat(queue.reapOverdue()).isEqualTo(1);
        startWorker("gpu-survivor");

        JobView done = await(job.id(), j -> j.status().isFinal());
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.attempt()).isEqualTo(2);
        // The dead worker comes back and uploads: fenced out, nothing stored or charged.
        assertThatThrownBy(() -> doomed.complete(lost.jobId(), lost.attempt(),
                List.of(new ImageFile("late.png", "image/png", Images.png(8, 8)))))
                .isInstanceOf(StaleAttemptException.class);
        assertThat(db.jdbc().sql("SELECT count(*) FROM job_image").query(Long.class).single()).isEqualTo(1);
        assertThat(db.jdbc().sql("SELECT count(*) FROM ledger_entry WHERE kind = 'CAPTURE'").query(Long.class).single())
                .isEqualTo(1);
        assertThat(statements.balance(user)).isEqualTo(new Balance(19, 0));
    }

    @Test
    void anAttemptPastFiveMinutesIsInterruptedRetriedAndNeverChargedTwice() throws Exception {
        STAND_IN.hangNextRuns(1);
        int interruptsBefore = STAND_IN.interruptCount();
        JobView job = generation.submit(user, GenerationRequest.ofPrompt("takes forever once"));
        startWorker("gpu-slow");
        // Running, not only submitted: a prompt stopped while still pending would leave the hang for the retry.
        await(job.id(), j -> (job.id() + "-1").equals(STAND_IN.runningPromptId()));

        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        // The reaper skips a row a worker's heartbeat holds locked at that moment; the next run takes it.
        Instant reapUntil = Instant.now().plusSeconds(10);
        while (queue.reapOverdue() == 0 && Instant.now().isBefore(reapUntil)) {
            Thread.sleep(20);
        }

        JobView done = await(job.id(), j -> j.status().isFinal());
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.attempt()).isEqualTo(2);
        assertThat(STAND_IN.interruptCount()).isGreaterThan(interruptsBefore);
        assertThat(db.jdbc().sql("SELECT count(*) FROM ledger_entry WHERE kind = 'CAPTURE'").query(Long.class).single())
                .isEqualTo(1);
        assertThat(statements.balance(user)).isEqualTo(new Balance(19, 0));
    }

    private void startWorker(String name) {
        WorkerConfig config = WorkerConfig.of(server(), TOKEN, STAND_IN.baseUrl(), name)
                .withIdleInterval(Duration.ofMillis(50))
                .withHeartbeatInterval(Duration.ofMillis(200))
                .withHealthCheckInterval(Duration.ofMillis(200));
        WorkerLoop loop = new WorkerLoop(config);
        workers.add(loop);
        Thread.ofPlatform().name("test-" + name).daemon(true).start(loop);
    }

    private JobView await(UUID jobId, Predicate<JobView> condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        JobView job = generation.find(jobId, new Viewer(user, false)).orElseThrow();
        while (!condition.test(job) && Instant.now().isBefore(deadline)) {
            Thread.sleep(25);
            job = generation.find(jobId, new Viewer(user, false)).orElseThrow();
        }
        assertThat(condition.test(job)).as("job reached the expected state; last seen %s", job).isTrue();
        return job;
    }

    private URI server() {
        return URI.create("http://localhost:" + port);
    }
}
