package org.text2image.server.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.AccountService;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestDatabase;

/** {@link CreditLedger#revokeGrant}: what is left of one grant's lot is taken back, once; nothing else. */
@IntegrationTest
class CreditRevocationTest {

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
        user = accounts.register("revoke@example.com", "correct horse").id(); // 20 signup credits
        ledger.grant(user, 50, LotSource.PURCHASE, null, "stripe:cs_test_1", "Bought");
    }

    @AfterEach
    void booksStayBalanced() {
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void takesBackOnlyWhatIsLeftOfTheGrantsLotAndCountsHeldCreditsAsKept() {
        UUID job = UUID.randomUUID();
        tx.execute(s -> ledger.hold(user, 30, job)); // 20 signup + 10 of the purchase

        Revocation revocation = revoke("stripe-revoke:cs_test_1");

        assertThat(revocation).isEqualTo(new Revocation(user, 50, 40, 10));
        assertThat(statements.balance(user)).isEqualTo(new Balance(0, 30));
    }

    @Test
    void aReplayedRevocationTakesNothingMoreAndReportsTheFirst() {
        revoke("stripe-revoke:cs_test_1");
        ledger.grant(user, 5, "gift:1", "A gift");

        assertThat(revoke("stripe-revoke:cs_test_1")).isEqualTo(new Revocation(user, 50, 50, 0));
        assertThat(statements.balance(user).availableCredits()).isEqualTo(20 + 5);
    }

    @Test
    void refusesAKeyThatNamesNoGrant() {
        assertThatThrownBy(() -> revoke("stripe-revoke:none", "stripe:cs_test_unknown"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stripe:cs_test_unknown");
        assertThat(statements.balance(user).availableCredits()).isEqualTo(70);
    }

    private Revocation revoke(String key) {
        return revoke(key, "stripe:cs_test_1");
    }

    private Revocation revoke(String key, String grantKey) {
        return tx.execute(s -> ledger.revokeGrant(grantKey, key, "Refunded"));
    }
}
