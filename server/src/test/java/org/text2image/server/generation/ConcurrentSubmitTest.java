package org.text2image.server.generation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.InsufficientCreditsException;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.Races;
import org.text2image.server.support.TestDatabase;

/** Many submits racing on one user: the balance decides, exactly, and never goes below zero. */
@IntegrationTest
class ConcurrentSubmitTest {

    @Autowired GenerationService generation;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;
    @Autowired TestDatabase db;

    @BeforeEach
    void setUp() {
        db.clean();
    }

    @Test
    void acceptsExactlyAsManyJobsAsTheBalanceCovers() throws Exception {
        long user = accounts.register("racer@example.com", "correct horse").id();
        List<Boolean> accepted = Races.race(16, () -> { // 20 credits / 3 per SDXL image = 6 jobs
            try {
                generation.submit(user, GenerationRequest.of("sdxl", "race"));
                return true;
            } catch (InsufficientCreditsException e) {
                return false;
            }
        });
        assertThat(accepted).filteredOn(ok -> ok).hasSize(6);
        assertThat(statements.balance(user)).isEqualTo(new Balance(2, 18));
        assertThat(db.jdbc().sql("SELECT count(*) FROM generation_job WHERE user_id = ?").params(user)
                .query(Long.class).single()).isEqualTo(6);
        // Each hold saw the one before it: the available balance after each went down by exactly 3.
        assertThat(db.jdbc().sql("""
                        SELECT available_after FROM ledger_entry WHERE user_id = ? AND kind = 'HOLD'
                        ORDER BY available_after DESC""").params(user).query(Long.class).list())
                .containsExactly(17L, 14L, 11L, 8L, 5L, 2L);
    }
}
