package org.text2image.server.generation.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;
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
import org.text2image.server.generation.JobStatus;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.LeasedJob;
import org.text2image.server.generation.StaleAttemptException;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.Viewer;
import org.text2image.server.generation.WorkerAvailability;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.workers.TestWorkers;

/**
 * Claims that never ran do not use up a job's tries: a stopping worker's hand-back, and a claim
 * its worker never confirmed with a heartbeat (it died, or left while its long-poll was answered).
 */
@IntegrationTest
class HandBackTest {

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
        user = accounts.register("handback@example.com", "correct horse").id();
    }

    @AfterEach
    void booksStayBalanced() {
        clock.reset();
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void aHandedBackJobIsQueuedAgainUnchargedWithoutUsingAnAttempt() {
        JobView job = submit();
        LeasedJob first = claim("gpu-stopping");

        assertThat(queue.handBack(job.id(), first.attempt(), WorkerIdentity.CONFIGURED, "worker shutting down"))
                .isEqualTo(JobStatus.QUEUED);

        JobView queued = view(job.id());
        assertThat(queued.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(queued.attempt()).isZero();
        assertThat(statements.balance(user)).isEqualTo(new Balance(19, 1));
        LeasedJob second = claim("gpu-2");
        assertThat(second.attempt()).isEqualTo(2); // the fencing token still grows
        queue.complete(job.id(), second.attempt(), WorkerIdentity.CONFIGURED, TestImages.result(db, job.id()));
        assertThat(statements.balance(user)).isEqualTo(new Balance(19, 0));
    }

    @Test
    void aHandedBackAttemptCannotReportAnyMore() {
        JobView job = submit();
        LeasedJob stopping = claim("gpu-stopping");
        queue.handBack(job.id(), stopping.attempt(), WorkerIdentity.CONFIGURED, "worker shutting down");

        assertThatThrownBy(() -> queue.handBack(job.id(), stopping.attempt(), WorkerIdentity.CONFIGURED, "again"))
                .isInstanceOf(StaleAttemptException.class);
        assertThatThrownBy(() -> queue.heartbeat(job.id(), stopping.attempt(), WorkerIdentity.CONFIGURED, 1, 20, true))
                .isInstanceOf(StaleAttemptException.class);
        assertThatThrownBy(() -> queue.complete(job.id(), stopping.attempt(), WorkerIdentity.CONFIGURED, TestImages.result(db, job.id()))).isInstanceOf(StaleAttemptException.class);
        assertThat(view(job.id()).status()).isEqualTo(JobStatus.QUEUED);
    }

    @Test
    void handingBackAJobThatIsNotYoursIsRefusedAndChangesNothing() {
        JobView job = submit();
        LeasedJob running = claim("gpu-1");

        assertThatThrownBy(() -> queue.handBack(job.id(), running.attempt() + 1, WorkerIdentity.CONFIGURED, "not mine"))
                .isInstanceOf(StaleAttemptException.class);
        assertThatThrownBy(() -> queue.handBack(UUID.randomUUID(), 1, WorkerIdentity.CONFIGURED, "no such job"))
                .isInstanceOf(StaleAttemptException.class);
        assertThat(view(job.id()).status()).isEqualTo(JobStatus.RUNNING);
    }

    @Test
    void anUnconfirmedClaimGoesBackToTheQueueWithoutUsingAnAttempt() {
        JobView job = submit();
        claim("gpu-vanished"); // the answer went to a worker that is gone: no heartbeat ever comes

        clock.advance(Duration.ofSeconds(14));
        assertThat(queue.reapOverdue()).isZero();
        clock.advance(Duration.ofSeconds(2));
        assertThat(queue.reapOverdue()).isEqualTo(1);

        JobView queued = view(job.id());
        assertThat(queued.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(queued.attempt()).isZero();
        assertThat(statements.balance(user)).isEqualTo(new Balance(19, 1));
    }

    @Test
    void aConfirmedClaimKeepsTheFullLease() {
        JobView job = submit();
        LeasedJob claimed = claim("gpu-1");
        queue.heartbeat(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, 0, 20, true);

        clock.advance(Duration.ofSeconds(59));
        assertThat(queue.reapOverdue()).isZero();
        assertThat(view(job.id()).status()).isEqualTo(JobStatus.RUNNING);
        clock.advance(Duration.ofSeconds(2));
        assertThat(queue.reapOverdue()).isEqualTo(1);
        assertThat(view(job.id()).attempt()).isEqualTo(1); // a confirmed attempt that died is a used attempt
    }

    @Test
    void handBacksBeyondTheCapCountAsFailedAttemptsSoAJobCannotCircleForEver() {
        JobView job = submit();
        for (int i = 0; i < 10; i++) {
            LeasedJob claimed = claim("gpu-flapping");
            queue.handBack(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, "worker shutting down");
        }
        assertThat(view(job.id()).attempt()).isZero();

        for (int i = 0; i < 3; i++) {
            LeasedJob claimed = claim("gpu-flapping");
            queue.handBack(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, "worker shutting down");
        }

        JobView failed = view(job.id());
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error()).contains("given back 10 times already");
        assertThat(statements.balance(user)).isEqualTo(new Balance(20, 0));
    }

    @Test
    void aHandBackIsNotCountedAsTheWorkersFailure() {
        JobView job = submit();
        LeasedJob stopping = claim("gpu-stopping");
        queue.handBack(job.id(), stopping.attempt(), WorkerIdentity.CONFIGURED, "worker shutting down");
        LeasedJob failing = claim("gpu-stopping");
        queue.fail(job.id(), failing.attempt(), WorkerIdentity.CONFIGURED, "ComfyUI error", true);

        assertThat(db.jdbc().sql("SELECT jobs_failed FROM worker_presence WHERE worker_name = 'gpu-stopping'")
                .query(Long.class).single()).isEqualTo(1);
    }

    private JobView submit() {
        return generation.submit(user, GenerationRequest.ofPrompt("a lighthouse at dusk"));
    }

    private LeasedJob claim(String worker) {
        TestWorkers.report(workers, worker, true, TestCatalog.CHECKPOINTS);
        return queue.claim(worker, TestCatalog.CHECKPOINTS).orElseThrow();
    }

    private JobView view(UUID jobId) {
        return generation.find(jobId, new Viewer(user, false)).orElseThrow();
    }
}
