package org.text2image.server.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.AccountService;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestDatabase;

@IntegrationTest
class CreditLedgerTest {

    @Autowired CreditLedger ledger;

    @Autowired CreditStatements statements;
    @Autowired AccountService accounts;
    @Autowired TransactionTemplate tx;
    @Autowired TestDatabase db;
    @Autowired LedgerInvariants invariants;

    long user;

    @BeforeEach
    void setUp() {
        db.clean();
        user = accounts.register("ledger@example.com", "correct horse").id();
    }

    @Test
    void signupGrantsTwentyCreditsOnce() {
        assertThat(statements.balance(user)).isEqualTo(new Balance(20, 0));
        assertThat(ledger.grant(user, 20, "signup:" + user, "again")).isFalse();
        assertThat(statements.balance(user)).isEqualTo(new Balance(20, 0));
    }

    @Test
    void holdThenCaptureChargesTheHeldAmount() {
        UUID job = UUID.randomUUID();
        long hold = tx.execute(s -> ledger.hold(user, 4, job));
        assertThat(statements.balance(user)).isEqualTo(new Balance(16, 4));
        tx.executeWithoutResult(s -> ledger.capture(hold, job));
        assertThat(statements.balance(user)).isEqualTo(new Balance(16, 0));
    }

    @Test
    void holdResolvesAtMostOnce() {
        UUID job = UUID.randomUUID();
        long hold = tx.execute(s -> ledger.hold(user, 4, job));
        tx.executeWithoutResult(s -> ledger.release(hold, job, "failed"));
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> ledger.capture(hold, job)))
                .isInstanceOf(HoldAlreadyResolvedException.class);
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> ledger.release(hold, job, "again")))
                .isInstanceOf(HoldAlreadyResolvedException.class);
        assertThat(statements.balance(user)).isEqualTo(new Balance(20, 0));
    }

    @Test
    void refusesAHoldAboveTheBalanceAndWritesNothing() {
        assertThatThrownBy(() -> tx.execute(s -> ledger.hold(user, 21, UUID.randomUUID())))
                .isInstanceOf(InsufficientCreditsException.class)
                .hasMessageContaining("costs 21 credits but you have 20 available");
        assertThat(statements.balance(user)).isEqualTo(new Balance(20, 0));
        assertThat(statements.entries(user, 10)).hasSize(1);
    }

    @Test
    void databaseRefusesANegativeBalanceWhateverTheCode() {
        assertThatThrownBy(() -> db.jdbc().sql("UPDATE credit_account SET available_credits = -1 WHERE user_id = ?")
                .params(user).update()).hasMessageContaining("credit_account_available_credits_check");
    }

    @Test
    void ledgerEntriesCannotBeChangedOrDeleted() {
        assertThatThrownBy(() -> db.jdbc().sql("UPDATE ledger_entry SET amount_credits = 1000").update())
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> db.jdbc().sql("DELETE FROM ledger_entry").update())
                .hasMessageContaining("append-only");
    }

    @Test
    void invariantCheckFindsATamperedBalance() {
        assertThat(invariants.violations()).isEmpty();
        db.jdbc().sql("UPDATE credit_account SET available_credits = 25 WHERE user_id = ?").params(user).update();
        assertThat(invariants.violations()).contains("user " + user + ": cached 25/0 but entries give 20/0",
                "user " + user + ": available 25 but lots hold 20", "minted 20 but balances 25 + consumed 0 + expired 0");
    }

    @Test
    void holdNeedsTheCallersTransaction() {
        assertThatThrownBy(() -> ledger.hold(user, 1, UUID.randomUUID()))
                .isInstanceOf(org.springframework.transaction.IllegalTransactionStateException.class);
    }
}
