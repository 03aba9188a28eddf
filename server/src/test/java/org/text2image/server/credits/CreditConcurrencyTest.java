package org.text2image.server.credits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.AccountService;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.Races;
import org.text2image.server.support.TestDatabase;

/** Many threads on one user's credits: every race has exactly one winner and no balance goes negative. */
@IntegrationTest
class CreditConcurrencyTest {

    @Autowired CreditLedger ledger;

    @Autowired CreditStatements statements;
    @Autowired AccountService accounts;
    @Autowired TransactionTemplate tx;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;
    @Autowired LedgerInvariants invariants;

    long user;

    @BeforeEach
    void setUp() {
        db.clean();
        clock.reset();
        user = accounts.register("race@example.com", "correct horse").id(); // 20 credits, never expiring
    }

    @AfterEach
    void booksStayBalanced() {
        clock.reset();
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void thirtyTwoThreadsHoldingFromOneBalanceOfTwentyGetExactlyTwenty() throws Exception {
        List<Boolean> results = Races.race(32, () -> {
            try {
                tx.execute(s -> ledger.hold(user, 1, UUID.randomUUID()));
                return true;
            } catch (InsufficientCreditsException e) {
                return false;
            }
        });

        assertThat(results.stream().filter(won -> won)).hasSize(20);
        assertThat(statements.balance(user)).isEqualTo(new Balance(0, 20));
    }

    @Test
    void aCaptureRacingAReleaseOfTheSameHoldHasExactlyOneWinner() throws Exception {
        for (int round = 0; round < 10; round++) {
            UUID job = UUID.randomUUID();
            long hold = tx.execute(s -> ledger.hold(user, 2, job));
            List<Boolean> results = Races.race(List.of(
                    () -> resolves(() -> tx.executeWithoutResult(s -> ledger.capture(hold, job))),
                    () -> resolves(() -> tx.executeWithoutResult(s -> ledger.release(hold, job, "Not charged: cancelled")))));
            assertThat(results).as("round " + round).containsExactlyInAnyOrder(true, false);
            assertThat(statements.balance(user).heldCredits()).isZero();
        }
    }

    @Test
    void expiryRacingHoldsNeverSpendsAnExpiredCreditNorExpiresOneTwice() throws Exception {
        ledger.grant(user, 10, LotSource.ADMIN, clock.instant().plus(Duration.ofHours(1)), "race:promo", "promo");
        clock.advance(Duration.ofHours(2)); // the promo lot is past its expiry; the 20 signup credits are not
        List<Callable<Boolean>> tasks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tasks.add(() -> {
                try {
                    tx.execute(s -> ledger.hold(user, 5, UUID.randomUUID()));
                    return true;
                } catch (InsufficientCreditsException e) {
                    return false;
                }
            });
            tasks.add(() -> ledger.expireDue(user) > 0);
        }

        List<Boolean> results = Races.race(tasks);

        long holdsWon = 0;
        long expiriesWon = 0;
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i)) {
                if (i % 2 == 0) {
                    holdsWon++;
                } else {
                    expiriesWon++;
                }
            }
        }
        assertThat(holdsWon).as("holds served from the 20 unexpired credits only").isEqualTo(4);
        assertThat(expiriesWon).as("expiry calls that found the lot (a hold may have expired it first)").isLessThanOrEqualTo(1);
        assertThat(db.jdbc().sql("SELECT sum(amount_credits) FROM ledger_entry WHERE kind = 'EXPIRE'").query(Long.class).single())
                .isEqualTo(10);
        assertThat(statements.balance(user)).isEqualTo(new Balance(0, 20));
    }

    private static boolean resolves(Runnable action) {
        try {
            action.run();
            return true;
        } catch (HoldAlreadyResolvedException e) {
            return false;
        }
    }
}
