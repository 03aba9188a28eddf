package org.text2image.server.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestDatabase;
import org.text2image.worker.api.ClaimRequest;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.Heartbeat;

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
        ClaimedJob claimed = queue.claim(new ClaimRequest("gpu-1", true, List.of())).orElseThrow();
        queue.heartbeat(job.id(), new Heartbeat(claimed.attempt(), 5, 20));

        JobView cancelled = generation.cancel(job.id(), user);

        assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(cancelled.cancellable()).isFalse();
        assertThat(statements.balance(user)).isEqualTo(new Balance(20, 0));
        assertThat(db.jdbc().sql("SELECT count(*) FROM generation_job WHERE lease_expires_at IS NULL AND worker_name IS NULL"
                + " AND finished_at IS NOT NULL").query(Long.class).single()).isEqualTo(1);
        assertThatThrownBy(() -> queue.heartbeat(job.id(), new Heartbeat(claimed.attempt(), 6, 20)))
                .isInstanceOf(StaleAttemptException.class);
        assertThatThrownBy(() -> queue.complete(job.id(), claimed.attempt(),
                List.of(new UploadedImage("late.png", TestImages.PNG)))).isInstanceOf(StaleAttemptException.class);
        assertThat(statements.balance(user)).as("nothing captured").isEqualTo(new Balance(20, 0));
        assertThat(db.jdbc().sql("SELECT count(*) FROM job_image").query(Long.class).single()).isZero();
        assertThat(db.jdbc().sql("SELECT count(*) FROM ledger_entry WHERE kind = 'CAPTURE'").query(Long.class).single())
                .isZero();
    }

    @Test
    void aRunningJobIsCancellableButAFinishedOneIsNot() {
        JobView job = submitSdxl();
        queue.claim(new ClaimRequest("gpu-1", true, List.of())).orElseThrow();
        assertThat(generation.find(job.id(), new Viewer(user, false)).orElseThrow().cancellable()).isTrue();

        generation.cancel(job.id(), user);

        assertThatThrownBy(() -> generation.cancel(job.id(), user)).isInstanceOf(JobNotCancellableException.class)
                .hasMessageContaining("this one is cancelled");
        assertThat(statements.balance(user)).isEqualTo(new Balance(20, 0));
    }

    @Test
    void anotherUserCannotCancelARunningJob() {
        JobView job = submitSdxl();
        queue.claim(new ClaimRequest("gpu-1", true, List.of())).orElseThrow();
        long other = accounts.register("other@example.com", "correct horse").id();

        assertThatThrownBy(() -> generation.cancel(job.id(), other)).isInstanceOf(JobNotFoundException.class);
        assertThat(generation.find(job.id(), new Viewer(user, false)).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
        assertThat(statements.balance(user)).isEqualTo(new Balance(17, 3));
    }

    private JobView submitSdxl() {
        return generation.submit(user, new GenerationRequest("sdxl", "a red fox", null, null, null, null, null, null,
                null, null, null));
    }
}
