package org.text2image.server.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.AccountService;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestDatabase;

/** Lots: every grant is one, spent soonest-expiring first; expired remainders leave as ledger entries. */
@IntegrationTest
class CreditLotsTest {

    @Autowired CreditLedger ledger;

    @Autowired CreditStatements statements;
    @Autowired CreditExpiry expiry;
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
        user = accounts.register("lots@example.com", "correct horse").id(); // a never-expiring signup lot of 20
    }

    @AfterEach
    void booksStayBalanced() {
        clock.reset();
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void spendingTakesTheLotThatExpiresSoonestFirst() {
        grant(5, Duration.ofDays(10), "later");
        grant(5, Duration.ofDays(2), "sooner");

        hold(7);

        List<CreditLot> lots = statements.lots(user); // in spending order; the 2-day lot is used up
        assertThat(lots).extracting(CreditLot::remainingCredits).containsExactly(3L, 20L);
        assertThat(lots.getFirst().expiresAt()).isAfter(clock.instant().plus(Duration.ofDays(9)));
        assertThat(lots.getLast().expiresAt()).isNull();
        assertThat(statements.balance(user)).isEqualTo(new Balance(23, 7));
    }

    @Test
    void theScheduledTaskMovesOutExpiredRemaindersAsLedgerEntries() {
        grant(5, Duration.ofHours(1), "promo");
        hold(2);
        clock.advance(Duration.ofHours(2));

        assertThat(expiry.expireAllDue()).isEqualTo(3);
        assertThat(expiry.expireAllDue()).isZero();

        assertThat(statements.balance(user)).isEqualTo(new Balance(20, 2));
        assertThat(statements.entries(user, 1)).singleElement().satisfies(entry -> {
            assertThat(entry.kind()).isEqualTo(EntryKind.EXPIRE);
            assertThat(entry.amountCredits()).isEqualTo(3);
            assertThat(entry.availableAfter()).isEqualTo(20);
        });
    }

    @Test
    void aHoldOnALotThatExpiresIsStillCapturable() {
        grant(5, Duration.ofHours(1), "promo");
        UUID job = UUID.randomUUID();
        long hold = tx.execute(s -> ledger.hold(user, 4, job));
        clock.advance(Duration.ofHours(2));
        expiry.expireAllDue();

        tx.executeWithoutResult(s -> ledger.capture(hold, job));

        assertThat(statements.balance(user)).isEqualTo(new Balance(20, 0));
    }

    @Test
    void creditsReleasedToAnExpiredLotExpireAtOnce() {
        grant(5, Duration.ofHours(1), "promo");
        UUID job = UUID.randomUUID();
        long hold = tx.execute(s -> ledger.hold(user, 4, job));
        clock.advance(Duration.ofHours(2));

        tx.executeWithoutResult(s -> ledger.release(hold, job, "Not charged: the generation failed"));

        assertThat(statements.balance(user)).isEqualTo(new Balance(20, 0));
        // The 4 return to their lot, which has expired: its whole remainder (1 + 4) leaves at once.
        assertThat(statements.entries(user, 2)).extracting(LedgerEntry::kind, LedgerEntry::amountCredits).containsExactly(
                org.assertj.core.groups.Tuple.tuple(EntryKind.EXPIRE, 5L),
                org.assertj.core.groups.Tuple.tuple(EntryKind.RELEASE, 4L));
    }

    @Test
    void aHoldNeverSpendsExpiredCreditsEvenBeforeTheTaskRuns() {
        grant(5, Duration.ofHours(1), "promo");
        clock.advance(Duration.ofHours(2));
        assertThat(statements.balance(user).availableCredits()).isEqualTo(25); // the task has not run yet

        assertThatThrownBy(() -> hold(21)).isInstanceOf(InsufficientCreditsException.class)
                .hasMessageContaining("20");
        assertThat(statements.balance(user)).isEqualTo(new Balance(25, 0)); // the refused hold wrote nothing
        assertThat(expiry.expireAllDue()).isEqualTo(5);
        assertThat(statements.balance(user)).isEqualTo(new Balance(20, 0));
    }

    @Test
    void aReplayedGrantAddsNoLot() {
        grant(5, Duration.ofDays(1), "promo");
        assertThat(ledger.grant(user, 5, LotSource.ADMIN, null, "test:promo", "again")).isFalse();
        assertThat(statements.lots(user)).hasSize(2);
    }

    @Test
    void aGrantAlreadyPastItsExpiryExpiresAtOnce() {
        assertThat(ledger.grant(user, 5, LotSource.ADMIN, clock.instant().minusSeconds(1), "test:late", "late")).isTrue();
        assertThat(statements.balance(user)).isEqualTo(new Balance(20, 0));
    }

    private void grant(long amount, Duration validFor, String key) {
        Instant expiresAt = clock.instant().plus(validFor);
        assertThat(ledger.grant(user, amount, LotSource.ADMIN, expiresAt, "test:" + key, "test grant")).isTrue();
    }

    private long hold(long amount) {
        return tx.execute(s -> ledger.hold(user, amount, UUID.randomUUID()));
    }

}
