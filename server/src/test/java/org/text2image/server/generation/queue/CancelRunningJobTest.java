package org.text2image.server.generation.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.text2image.server.generation.JobNotCancellableException;
import org.text2image.server.generation.JobNotFoundException;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.LeasedJob;
import org.text2image.server.generation.StaleAttemptException;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.Viewer;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;

/** Cancelling a job while a worker runs it: the hold is released and the attempt is fenced out. */
@IntegrationTest
class CancelRunningJobTest {

    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;
    @Autowired TestDatabase db;
    @Autowired LedgerInvariants invariants;

    long user;

    @BeforeEach
    void setUp() {
        db.clean();
        user = accounts.register("cancel@example.com", "correct horse").id();
    }

    @AfterEach
    void booksStayBalanced() {
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void cancellingARunningJobReleasesTheHoldAndRefusesTheAttemptsHeartbeatAndCompletion() {
        JobView job = submitSdxl();
        LeasedJob claimed = queue.claim("gpu-1", TestCatalog.CHECKPOINTS).orElseThrow();
        queue.heartbeat(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, 5, 20, true);

        JobView cancelled = generation.cancel(job.id(), user);

        assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(statements.balance(user)).isEqualTo(new Balance(20, 0));
        assertThat(db.jdbc().sql("SELECT count(*) FROM generation_job WHERE lease_expires_at IS NULL AND worker_name IS NULL"
                + " AND finished_at IS NOT NULL").query(Long.class).single()).isEqualTo(1);
        assertThatThrownBy(() -> queue.heartbeat(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, 6, 20, true))
                .isInstanceOf(StaleAttemptException.class);
        assertThatThrownBy(() -> queue.complete(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, TestImages.result(db, job.id()))).isInstanceOf(StaleAttemptException.class);
        assertThat(statements.balance(user)).as("nothing captured").isEqualTo(new Balance(20, 0));
        assertThat(db.jdbc().sql("SELECT count(*) FROM job_image").query(Long.class).single()).isZero();
        assertThat(db.jdbc().sql("SELECT count(*) FROM ledger_entry WHERE kind = 'CAPTURE'").query(Long.class).single())
                .isZero();
    }

    @Test
    void aRunningJobIsCancellableButAFinishedOneIsNot() {
        JobView job = submitSdxl();
        queue.claim("gpu-1", TestCatalog.CHECKPOINTS).orElseThrow();
        assertThat(generation.find(job.id(), new Viewer(user, false)).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);

        generation.cancel(job.id(), user);

        assertThatThrownBy(() -> generation.cancel(job.id(), user)).isInstanceOf(JobNotCancellableException.class)
                .hasMessageContaining("this one is cancelled");
        assertThat(statements.balance(user)).isEqualTo(new Balance(20, 0));
    }

    @Test
    void anotherUserCannotCancelARunningJob() {
        JobView job = submitSdxl();
        queue.claim("gpu-1", TestCatalog.CHECKPOINTS).orElseThrow();
        long other = accounts.register("other@example.com", "correct horse").id();

        assertThatThrownBy(() -> generation.cancel(job.id(), other)).isInstanceOf(JobNotFoundException.class);
        assertThat(generation.find(job.id(), new Viewer(user, false)).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
        assertThat(statements.balance(user)).isEqualTo(new Balance(17, 3));
    }

    private JobView submitSdxl() {
        return generation.submit(user, GenerationRequest.of("sdxl", "a red fox"));
    }
}
