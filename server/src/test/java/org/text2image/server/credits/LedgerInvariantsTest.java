package org.text2image.server.credits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.text2image.server.account.AccountService;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobView;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestDatabase;

/**
 * The jobs' part of the invariant check: the ledger learns each job's hold and required state
 * through {@link JobHolds} (implemented by the generation module) and compares it with its holds.
 */
@IntegrationTest
class LedgerInvariantsTest {

    @Autowired LedgerInvariants invariants;
    @Autowired GenerationService generation;
    @Autowired AccountService accounts;
    @Autowired TestDatabase db;

    long user;

    @BeforeEach
    void setUp() {
        db.clean();
        user = accounts.register("books@example.com", "correct horse").id();
    }

    @Test
    void aSucceededJobWhoseHoldIsStillOpenIsReported() {
        JobView job = generation.submit(user, new GenerationRequest("sdxl", "a lighthouse at dusk", null, null, null,
                null, null, null, null, null, null));
        assertThat(invariants.violations()).isEmpty();

        db.jdbc().sql("UPDATE generation_job SET status = 'SUCCEEDED', finished_at = now() WHERE id = ?")
                .params(job.id()).update();

        assertThat(invariants.violations())
                .containsExactly("job " + job.id() + " is SUCCEEDED (price 3) but its hold is OPEN for 3");
    }

    @Test
    void aJobWhoseHoldTheLedgerDoesNotHaveIsReported() {
        UUID job = UUID.randomUUID();
        LedgerInvariants check = new LedgerInvariants(db.jdbc(),
                () -> List.of(new JobHolds.JobHold(job, "RUNNING", 999_999, 2, HoldStatus.OPEN)));

        assertThat(check.violations()).containsExactly("job " + job + " is RUNNING (price 2) but its hold is missing");
    }
}
