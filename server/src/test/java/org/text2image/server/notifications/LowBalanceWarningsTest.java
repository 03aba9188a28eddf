package org.text2image.server.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.InsufficientCreditsException;
import org.text2image.server.credits.LotSource;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.Races;
import org.text2image.server.support.TestDatabase;

/**
 * One low-balance mail per crossing of the threshold (5 credits by default), written in the
 * ledger's transaction. Users start with 20 credits.
 */
@IntegrationTest
class LowBalanceWarningsTest {

    @Autowired CreditLedger ledger;

    @Autowired CreditStatements statements;
    @Autowired AccountService accounts;
    @Autowired MailOutbox outbox;
    @Autowired TransactionTemplate tx;
    @Autowired TestDatabase db;
    @Autowired MutableClock clock;

    long alice;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse").id();
    }

    @Test
    void crossingBelowTheThresholdWritesOneMailAndSpendingFurtherWritesNone() {
        hold(alice, 15);
        assertThat(mails()).isEmpty();

        hold(alice, 1); // 5 -> 4: below the threshold
        assertThat(mails()).singleElement().satisfies(mail -> {
            assertThat(mail.recipient()).isEqualTo("alice@example.com");
            assertThat(mail.userId()).isEqualTo(alice);
            assertThat(mail.subject()).isEqualTo("Your Text2Image balance is low");
            assertThat(mail.body()).contains("Your Text2Image balance is low: 4 credits available.",
                    "http://localhost:8080/credits", "once each time your balance drops below 5 credits");
            assertThat(mail.status()).isIn(MailStatus.PENDING, MailStatus.LOGGED);
        });

        hold(alice, 3);
        hold(alice, 1);
        assertThat(statements.balance(alice)).isEqualTo(new Balance(0, 20));
        assertThat(mails()).hasSize(1);
    }

    @Test
    void comingBackToTheThresholdReArmsTheWarningSoTheNextCrossingWritesASecondMail() {
        hold(alice, 17);
        assertThat(mails()).hasSize(1);

        ledger.grant(alice, 1, "top-up:1", "Top-up"); // 3 -> 4: still low, no new mail, not re-armed
        hold(alice, 1);
        assertThat(mails()).hasSize(1);

        ledger.grant(alice, 10, "top-up:2", "Top-up"); // 3 -> 13: re-armed
        assertThat(mails()).hasSize(1);
        hold(alice, 10); // 13 -> 3
        assertThat(mails()).hasSize(2);
        assertThat(mails().getFirst().body()).contains("3 credits available");
    }

    @Test
    void creditsReturnedByAFailedJobDoNotReArmTheWarningSoARetryIsNotMailedAgain() {
        UUID job = UUID.randomUUID();
        long hold = tx.execute(s -> ledger.hold(alice, 16, job)); // 20 -> 4: one mail
        tx.executeWithoutResult(s -> ledger.release(hold, job, "Job failed")); // 4 -> 20, no new credits
        hold(alice, 16); // the retry crosses again
        assertThat(mails()).hasSize(1);
    }

    @Test
    void aGrantThatExpiresAtOnceLeavesTheBalanceAndSendsNoSecondMail() {
        hold(alice, 17); // 20 -> 3: one mail
        ledger.grant(alice, 10, LotSource.PURCHASE, clock.instant().minusSeconds(60), "late:1", "Granted after its expiry");

        assertThat(statements.balance(alice)).isEqualTo(new Balance(3, 17));
        assertThat(mails()).as("the listener sees the command's net change, 3 -> 3").hasSize(1);
    }

    @Test
    void aGrantSpentInTheSameTransactionSendsNoSecondMail() {
        hold(alice, 17); // 20 -> 3: one mail
        tx.executeWithoutResult(s -> { // an admin's free re-run: a grant of the price, then the new job's hold
            ledger.grant(alice, 4, "admin-rerun:1", "Free re-run");
            ledger.hold(alice, 4, UUID.randomUUID());
        });

        assertThat(statements.balance(alice)).isEqualTo(new Balance(3, 21));
        assertThat(mails()).as("3 -> 3 over the transaction: no new crossing").hasSize(1);
    }

    @Test
    void twoCommandsInOneTransactionThatCrossTheThresholdSendOneMail() {
        tx.executeWithoutResult(s -> {
            ledger.hold(alice, 10, UUID.randomUUID()); // 20 -> 10
            ledger.hold(alice, 7, UUID.randomUUID()); // 10 -> 3
        });

        assertThat(mails()).singleElement().satisfies(mail -> assertThat(mail.body()).contains("3 credits available"));
    }

    @Test
    void theDatabaseKeepsAtMostOneWarningPerUser() {
        hold(alice, 16);
        assertThat(warnedUsers()).isEqualTo(1);
        assertThatThrownBy(() -> db.jdbc().sql("INSERT INTO low_balance_warning (user_id, warned_at) VALUES (?, now())")
                .params(alice).update()).hasMessageContaining("low_balance_warning_pkey");
    }

    @Test
    void aHoldThatRollsBackWritesNoMailAndLeavesTheWarningArmed() {
        tx.executeWithoutResult(s -> {
            ledger.hold(alice, 16, UUID.randomUUID());
            s.setRollbackOnly(); // e.g. the job insert after the hold failed
        });
        assertThat(statements.balance(alice)).isEqualTo(new Balance(20, 0));
        assertThat(mails()).isEmpty();
        assertThat(warnedUsers()).isZero();

        hold(alice, 16);
        assertThat(mails()).hasSize(1);
    }

    @Test
    void aTransactionEndedByInsufficientCreditsWritesNoMail() {
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> {
            ledger.hold(alice, 16, UUID.randomUUID()); // crosses: 20 -> 4
            ledger.hold(alice, 5, UUID.randomUUID()); // refused: the whole transaction rolls back
        })).isInstanceOf(InsufficientCreditsException.class);

        assertThat(statements.balance(alice)).isEqualTo(new Balance(20, 0));
        assertThat(mails()).isEmpty();
        assertThat(warnedUsers()).isZero();
    }

    @Test
    void manyHoldsRacingThroughTheThresholdWriteExactlyOneMail() throws Exception {
        List<Boolean> held = Races.race(16, () -> { // 20 credits / 3 each: 6 holds, 2 credits left
            try {
                hold(alice, 3);
                return true;
            } catch (InsufficientCreditsException e) {
                return false;
            }
        });

        assertThat(held).filteredOn(ok -> ok).hasSize(6);
        assertThat(statements.balance(alice)).isEqualTo(new Balance(2, 18));
        assertThat(mails()).singleElement().satisfies(mail -> assertThat(mail.body()).contains("2 credits available"));
    }

    @Test
    void eachUserIsWarnedOnTheirOwnCrossing() {
        long bob = accounts.register("bob@example.com", "correct horse").id();
        hold(alice, 16);
        hold(bob, 19);
        assertThat(mails()).extracting(OutboxMail::recipient).containsExactly("bob@example.com", "alice@example.com");
        assertThat(mails().getFirst().body()).contains("1 credit available.");
    }

    private void hold(long user, long credits) {
        tx.executeWithoutResult(s -> ledger.hold(user, credits, UUID.randomUUID()));
    }

    private List<OutboxMail> mails() {
        return outbox.newest(MailOutbox.MAX_LISTED);
    }

    private long warnedUsers() {
        return db.jdbc().sql("SELECT count(*) FROM low_balance_warning").query(Long.class).single();
    }
}
