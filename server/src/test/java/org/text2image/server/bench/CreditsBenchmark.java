package org.text2image.server.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.credits.LotSource;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestDatabase;

/**
 * Credits benchmark (issue 4): hold + capture pairs per second through the real ledger on the
 * embedded PostgreSQL, 8 threads, each pair in two transactions as a job does it (hold at submit,
 * capture at completion) — all on one hot user, then spread over 64 users. Each user's credits
 * come in 3 lots (two expiring), so holds walk lots. Prints a table; figures go to
 * docs/BENCHMARKS.md. Not part of the test suite; run it with {@code bench/credits.sh}.
 */
@IntegrationTest
@TestPropertySource(properties = "spring.datasource.hikari.maximum-pool-size=16")
class CreditsBenchmark {

    private static final int THREADS = 8;
    private static final Duration WARM_UP = Duration.ofSeconds(3);
    private static final Duration RUN = Duration.ofSeconds(10);

    @Autowired CreditLedger ledger;
    @Autowired AccountService accounts;
    @Autowired TransactionTemplate tx;
    @Autowired TestDatabase db;
    @Autowired LedgerInvariants invariants;

    @Test
    void holdsAndCapturesPerSecond() throws Exception {
        db.clean();
        List<Long> users = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            long user = accounts.register("bench" + i + "@example.com", "correct horse").id();
            ledger.grant(user, 1_000_000, LotSource.PURCHASE, null, "bench:" + user + ":a", "benchmark");
            ledger.grant(user, 1_000_000, LotSource.PLAN, java.time.Instant.now().plus(Duration.ofDays(30)),
                    "bench:" + user + ":b", "benchmark");
            ledger.grant(user, 2, LotSource.ADMIN, java.time.Instant.now().plus(Duration.ofDays(1)),
                    "bench:" + user + ":c", "benchmark");
            users.add(user);
        }
        run(List.of(users.getFirst()), WARM_UP);
        double hot = run(List.of(users.getFirst()), RUN);
        double spread = run(users, RUN);
        List<String> violations = invariants.violations();

        String table = String.join("\n",
                "| measure (8 threads, hold + capture = 2 transactions) | pairs per second |",
                "|---|---|",
                String.format(Locale.ROOT, "| one hot user | %.0f |", hot),
                String.format(Locale.ROOT, "| 64 users | %.0f |", spread),
                String.format(Locale.ROOT, "| hot / spread | %.2f |", hot / spread),
                "| invariant violations afterwards | " + violations.size() + " |");
        System.out.println(table);
        Path out = Path.of("target", "benchmarks", "credits.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table + "\n");
    }

    /** Hold + capture pairs per second over {@code duration}, threads picking users round-robin. */
    private double run(List<Long> users, Duration duration) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<Long>> counts = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            int offset = t;
            counts.add(pool.submit(() -> {
                long pairs = 0;
                for (int i = offset; !stop.get(); i += THREADS) {
                    long user = users.get(i % users.size());
                    UUID job = UUID.randomUUID();
                    long hold = tx.execute(s -> ledger.hold(user, 3, job));
                    tx.executeWithoutResult(s -> ledger.capture(hold, job));
                    pairs++;
                }
                return pairs;
            }));
        }
        Thread.sleep(duration.toMillis());
        stop.set(true);
        long total = 0;
        for (Future<Long> count : counts) {
            total += count.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return total / seconds;
    }
}
