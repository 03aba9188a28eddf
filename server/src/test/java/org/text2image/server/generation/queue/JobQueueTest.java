package org.text2image.server.generation.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.GeneratorStatus;
import org.text2image.server.generation.InvalidUploadException;
import org.text2image.server.generation.JobNotCancellableException;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.LeasedJob;
import org.text2image.server.generation.StaleAttemptException;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.UploadedImage;
import org.text2image.server.generation.Viewer;
import org.text2image.server.generation.WorkerAvailability;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.Races;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.workers.TestWorkers;

/** The queue's promises, driven through {@link JobQueue} as a worker would, on real PostgreSQL. */
@IntegrationTest
class JobQueueTest {

    @Autowired GenerationService generation;
    @Autowired WorkerAvailability workers;
    @Autowired JobQueue queue;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;
    @Autowired LedgerInvariants invariants;

    long user;

    @BeforeEach
    void setUp() {
        db.clean();
        clock.reset();
        user = accounts.register("queue@example.com", "correct horse").id();
    }

    @AfterEach
    void booksStayBalanced() {
        clock.reset();
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void submitHoldsThePriceAndQueuesTheJob() {
        JobView job = submitSdxl();
        assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(job.queuePosition()).isEqualTo(1);
        assertThat(statements.balance(user)).isEqualTo(new Balance(17, 3));
    }

    @Test
    void claimRendersTheWorkflowWithTypedValuesAndTheJobInTheFilenamePrefix() {
        JobView job = generation.submit(user, new GenerationRequest("sd15", "a red fox", "blurry", 512, 768, 1, 42L,
                30, 6.5, "dpmpp_2m", "karras"));
        LeasedJob claimed = claim("gpu-1");
        assertThat(claimed.jobId()).isEqualTo(job.id());
        assertThat(claimed.attempt()).isEqualTo(1);
        assertThat(claimed.promptId()).isEqualTo(job.id() + "-1");
        var inputs = claimed.workflow().get("3").get("inputs");
        assertThat(inputs.get("seed").isNumber()).isTrue();
        assertThat(inputs.get("seed").asLong()).isEqualTo(42);
        assertThat(inputs.get("steps").asInt()).isEqualTo(30);
        assertThat(inputs.get("cfg").asDouble()).isEqualTo(6.5);
        assertThat(inputs.get("sampler_name").asString()).isEqualTo("dpmpp_2m");
        assertThat(claimed.workflow().get("5").get("inputs").get("height").asInt()).isEqualTo(768);
        assertThat(claimed.workflow().get("6").get("inputs").get("text").asString()).isEqualTo("a red fox");
        assertThat(claimed.workflow().get("4").get("inputs").get("ckpt_name").asString())
                .isEqualTo("v1-5-pruned-emaonly.safetensors");
        assertThat(claimed.workflow().get("9").get("inputs").get("filename_prefix").asString())
                .isEqualTo("text2image/" + job.id() + "-1");
    }

    @Test
    void noWorkWhenTheQueueIsEmptyOrTheWorkersComfyUiIsDown() {
        assertThat(queue.claim("gpu-1", TestCatalog.CHECKPOINTS)).isEmpty();
        submitSdxl();
        TestWorkers.report(workers, "gpu-1", false, List.of());
        assertThat(generation.generatorStatus()).isEqualTo(GeneratorStatus.BACKEND_UNREACHABLE);
    }

    @Test
    void completionStoresImagesAndChargesOnce() {
        JobView job = submitSdxl();
        LeasedJob claimed = claim("gpu-1");
        queue.complete(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, TestImages.result(db, job.id()));
        assertThatThrownBy(() -> queue.complete(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, TestImages.result(db, job.id()))).isInstanceOf(StaleAttemptException.class);
        JobView done = view(job.id());
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.images()).hasSize(1);
        assertThat(statements.balance(user)).isEqualTo(new Balance(17, 0));
        assertThat(captures(job.id())).isEqualTo(1);
    }

    @Test
    void retriesARetryableFailureThenChargesOnceOnSuccess() {
        JobView job = submitSdxl();
        fail(claim("gpu-1"), true);
        fail(claim("gpu-1"), true);
        LeasedJob third = claim("gpu-1");
        assertThat(third.attempt()).isEqualTo(3);
        queue.complete(job.id(), 3, WorkerIdentity.CONFIGURED, TestImages.result(db, job.id()));
        assertThat(view(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(statements.balance(user)).isEqualTo(new Balance(17, 0));
        assertThat(captures(job.id())).isEqualTo(1);
    }

    @Test
    void releasesTheHoldWhenAllThreeAttemptsFail() {
        JobView job = submitSdxl();
        fail(claim("gpu-1"), true);
        fail(claim("gpu-1"), true);
        assertThat(fail(claim("gpu-1"), true)).isEqualTo("FAILED");
        JobView failed = view(job.id());
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.attempt()).isEqualTo(3);
        assertThat(failed.error()).isEqualTo("ComfyUI error");
        assertThat(statements.balance(user)).isEqualTo(new Balance(20, 0));
        assertThat(captures(job.id())).isZero();
        assertThat(queue.claim("gpu-1", TestCatalog.CHECKPOINTS)).isEmpty();
    }

    @Test
    void aPermanentFailureFailsAtOnce() {
        JobView job = submitSdxl();
        assertThat(fail(claim("gpu-1"), false)).isEqualTo("FAILED");
        assertThat(view(job.id()).attempt()).isEqualTo(1);
        assertThat(statements.balance(user)).isEqualTo(new Balance(20, 0));
    }

    @Test
    void expiredLeaseRequeuesTheJobForAnotherWorkerAndChargesOnce() {
        JobView job = submitSdxl();
        LeasedJob dead = claim("gpu-dies");
        queue.heartbeat(job.id(), dead.attempt(), WorkerIdentity.CONFIGURED, 1, 20, true); // it started, then died
        clock.advance(Duration.ofSeconds(61));
        assertThat(queue.reapOverdue()).isEqualTo(1);
        assertThat(view(job.id()).status()).isEqualTo(JobStatus.QUEUED);
        assertThat(view(job.id()).error()).isEqualTo("The worker stopped responding.");

        LeasedJob other = claim("gpu-2");
        assertThat(other.attempt()).isEqualTo(2);
        // The first worker wakes up and reports: fenced out, nothing stored or charged.
        assertThatThrownBy(() -> queue.heartbeat(job.id(), dead.attempt(), WorkerIdentity.CONFIGURED, 5, 20, true))
                .isInstanceOf(StaleAttemptException.class);
        assertThatThrownBy(() -> queue.complete(job.id(), dead.attempt(), WorkerIdentity.CONFIGURED, TestImages.result(db, job.id()))).isInstanceOf(StaleAttemptException.class);
        assertThat(imageRows(job.id())).isZero();
        assertThat(statements.balance(user)).isEqualTo(new Balance(17, 3));

        queue.complete(job.id(), other.attempt(), WorkerIdentity.CONFIGURED, TestImages.result(db, job.id()));
        assertThat(statements.balance(user)).isEqualTo(new Balance(17, 0));
        assertThat(captures(job.id())).isEqualTo(1);
        assertThat(imageRows(job.id())).isEqualTo(1);
    }

    @Test
    void heartbeatsKeepALongJobAlive() {
        JobView job = submitSdxl();
        LeasedJob claimed = claim("gpu-1");
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofSeconds(45));
            queue.heartbeat(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, i + 1, 20, true);
            assertThat(queue.reapOverdue()).isZero();
        }
        JobView running = view(job.id());
        assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(running.progressStep()).isEqualTo(4);
        assertThat(running.progressTotal()).isEqualTo(20);
    }

    @Test
    void anAttemptOverFiveMinutesIsRetriedAndNeverCharged() {
        JobView job = submitSdxl();
        LeasedJob claimed = claim("gpu-1");
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(55));
            queue.heartbeat(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, i, 20, true);
        }
        clock.advance(Duration.ofSeconds(30));
        assertThatThrownBy(() -> queue.heartbeat(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, 7, 20, true))
                .isInstanceOf(StaleAttemptException.class);
        assertThat(queue.reapOverdue()).isEqualTo(1);
        JobView retried = view(job.id());
        assertThat(retried.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(retried.error()).isEqualTo("The attempt took longer than 5 minutes.");
        assertThatThrownBy(() -> queue.complete(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, TestImages.result(db, job.id()))).isInstanceOf(StaleAttemptException.class);
        assertThat(captures(job.id())).isZero();
        assertThat(statements.balance(user)).isEqualTo(new Balance(17, 3));
    }

    @Test
    void aCompletionArrivingAfterTheDeadlineIsRefusedAndTheAttemptRetried() {
        JobView job = submitSdxl();
        LeasedJob claimed = claim("gpu-1");
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertThatThrownBy(() -> queue.complete(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, TestImages.result(db, job.id()))).isInstanceOf(StaleAttemptException.class);
        assertThat(view(job.id()).status()).isEqualTo(JobStatus.QUEUED);
        assertThat(imageRows(job.id())).isZero();
        assertThat(captures(job.id())).isZero();
    }

    @Test
    void timeoutOnTheLastAttemptFailsTheJobAndReleasesTheHold() {
        JobView job = submitSdxl();
        for (int attempt = 1; attempt <= 3; attempt++) {
            claim("gpu-1");
            clock.advance(Duration.ofMinutes(6));
            queue.reapOverdue();
        }
        assertThat(view(job.id()).status()).isEqualTo(JobStatus.FAILED);
        assertThat(statements.balance(user)).isEqualTo(new Balance(20, 0));
    }

    @Test
    void refusesUploadsThatAreNotImagesAndStoresNothing() {
        JobView job = submitSdxl();
        LeasedJob claimed = claim("gpu-1");
        assertThatThrownBy(() -> queue.complete(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, List.of(new UploadedImage("x.txt", "hello".getBytes()))))
                .isInstanceOf(InvalidUploadException.class).hasMessageContaining("not a PNG or JPEG image");
        assertThatThrownBy(() -> queue.complete(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, List.of()))
                .isInstanceOf(InvalidUploadException.class);
        assertThat(view(job.id()).status()).isEqualTo(JobStatus.RUNNING);
        assertThat(imageRows(job.id())).isZero();
    }

    @Test
    void cancellingAQueuedJobReleasesTheHold() {
        JobView job = submitSdxl();
        generation.cancel(job.id(), user);
        assertThat(view(job.id()).status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(statements.balance(user)).isEqualTo(new Balance(20, 0));
        assertThat(queue.claim("gpu-1", TestCatalog.CHECKPOINTS)).isEmpty();
        assertThatThrownBy(() -> generation.cancel(job.id(), user)).isInstanceOf(JobNotCancellableException.class);
    }

    @Test
    void jobsRunInSubmitOrder() {
        JobView first = submitSdxl();
        JobView second = submitSdxl();
        assertThat(view(second.id()).queuePosition()).isEqualTo(2);
        assertThat(claim("gpu-1").jobId()).isEqualTo(first.id());
        assertThat(view(second.id()).queuePosition()).isEqualTo(1);
        assertThat(claim("gpu-2").jobId()).isEqualTo(second.id());
    }

    @Test
    void twoCopiesOfACompletionRacingChargeOnce() throws Exception {
        JobView job = submitSdxl();
        LeasedJob claimed = claim("gpu-1");
        List<Boolean> accepted = race(2, () -> {
            queue.complete(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, TestImages.result(db, job.id()));
            return true;
        });
        assertThat(accepted).containsExactlyInAnyOrder(true, false);
        assertThat(captures(job.id())).isEqualTo(1);
        assertThat(imageRows(job.id())).isEqualTo(1);
    }

    @Test
    void aCompletionRacingTheLeaseReaperHasExactlyOneWinner() throws Exception {
        for (int round = 0; round < 5; round++) {
            JobView job = submitSdxl();
            LeasedJob claimed = claim("gpu-" + round);
            clock.advance(Duration.ofSeconds(61));
            CountDownLatch start = new CountDownLatch(1);
            try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
                Future<Integer> reaped = pool.submit(() -> {
                    start.await();
                    return queue.reapOverdue();
                });
                Future<Boolean> completed = pool.submit(() -> {
                    start.await();
                    try {
                        queue.complete(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, TestImages.result(db, job.id()));
                        return true;
                    } catch (StaleAttemptException e) {
                        return false;
                    }
                });
                start.countDown();
                boolean won = completed.get(30, TimeUnit.SECONDS);
                int requeued = reaped.get(30, TimeUnit.SECONDS);
                assertThat(won ? 0 : 1).isEqualTo(requeued);
                assertThat(view(job.id()).status()).isEqualTo(won ? JobStatus.SUCCEEDED : JobStatus.QUEUED);
                assertThat(captures(job.id())).isEqualTo(won ? 1 : 0);
                assertThat(imageRows(job.id())).isEqualTo(won ? 1 : 0);
            }
            if (view(job.id()).status() == JobStatus.QUEUED) {
                generation.cancel(job.id(), user);
            }
            clock.reset();
        }
    }

    /** Runs {@code action} on {@code threads} threads at once; a StaleAttemptException counts as false. */
    /** Races {@code threads} copies of {@code action}; a stale attempt counts as a loss. */
    private static List<Boolean> race(int threads, Callable<Boolean> action) throws Exception {
        return Races.race(threads, () -> {
            try {
                return action.call();
            } catch (StaleAttemptException e) {
                return false;
            }
        });
    }

    private JobView submitSdxl() {
        return generation.submit(user, GenerationRequest.of("sdxl", "a lighthouse at dusk"));
    }

    private LeasedJob claim(String worker) {
        return queue.claim(worker, TestCatalog.CHECKPOINTS).orElseThrow();
    }

    private String fail(LeasedJob claimed, boolean retryable) {
        return queue.fail(claimed.jobId(), claimed.attempt(), WorkerIdentity.CONFIGURED, "ComfyUI error", retryable).name();
    }

    private JobView view(UUID jobId) {
        return generation.find(jobId, new Viewer(user, false)).orElseThrow();
    }

    private long captures(UUID jobId) {
        return db.jdbc().sql("SELECT count(*) FROM ledger_entry WHERE kind = 'CAPTURE' AND job_id = ?")
                .params(jobId).query(Long.class).single();
    }

    private long imageRows(UUID jobId) {
        return db.jdbc().sql("SELECT count(*) FROM job_image WHERE job_id = ?").params(jobId).query(Long.class).single();
    }
}
