package org.text2image.server.generation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.credits.InsufficientCreditsException;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestDatabase;

/** Many submits racing on one user: the balance decides, exactly, and never goes below zero. */
@IntegrationTest
class ConcurrentSubmitTest {

    @Autowired GenerationService generation;
    @Autowired AccountService accounts;
    @Autowired CreditLedger ledger;
    @Autowired TestDatabase db;

    @BeforeEach
    void setUp() {
        db.clean();
    }

    @Test
    void acceptsExactlyAsManyJobsAsTheBalanceCovers() throws Exception {
        long user = accounts.register("racer@example.com", "correct horse").id();
        int threads = 16; // 20 credits / 3 per SDXL image = 6 jobs
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        generation.submit(user, new GenerationRequest("sdxl", "race", null, null, null, null, null,
                                null, null, null, null));
                        return true;
                    } catch (InsufficientCreditsException e) {
                        return false;
                    }
                }));
            }
            start.countDown();
            long accepted = 0;
            for (Future<Boolean> result : results) {
                accepted += result.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(accepted).isEqualTo(6);
        }
        assertThat(ledger.balance(user)).isEqualTo(new Balance(2, 18));
        assertThat(db.jdbc().sql("SELECT count(*) FROM generation_job WHERE user_id = ?").params(user)
                .query(Long.class).single()).isEqualTo(6);
        assertThat(db.jdbc().sql("SELECT min(available_after) FROM ledger_entry WHERE user_id = ?").params(user)
                .query(Long.class).single()).isGreaterThanOrEqualTo(0);
    }
}
