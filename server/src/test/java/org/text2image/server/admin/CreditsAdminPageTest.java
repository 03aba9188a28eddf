package org.text2image.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import jakarta.servlet.http.Cookie;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditLot;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.EntryKind;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.credits.LotSource;
import org.text2image.server.support.Races;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/** An admin adjusts a user's credits on /admin/credits, always with a reason, and checks the books on /admin/ledger. */
@PageTest
class CreditsAdminPageTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;
    @Autowired LedgerInvariants invariants;
    @Autowired TestDatabase db;

    SignedInUser admin;
    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        admin = TestAccounts.admin(accounts, db, "admin@example.com");
        alice = accounts.register("alice@example.com", "correct horse");
    }

    @AfterEach
    void booksStayBalanced() {
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void anAdminAddsExpiringCreditsWithAReasonSeenInTheHistoryAndTheAuditLog() throws Exception {
        MvcResult posted = adjust("alice@example.com", "10", "Goodwill after an outage", "30")
                .andExpect(status().isSeeOther()).andExpect(redirectedUrl("/admin/credits")).andReturn();
        String html = followRedirect(posted);

        assertThat(Html.textOf(html, "notice")).isEqualTo("Added 10 credits to alice@example.com. Balance now 30 available.");
        assertThat(html.split("Added 10 credits", -1)).as("the notice is shown once").hasSize(2);
        assertThat(Html.textOf(html, "audit")).contains("admin@example.com", "alice@example.com", "+10", "Goodwill after an outage");
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(30, 0));
        CreditLot lot = statements.lots(alice.id()).getFirst();
        assertThat(lot.source()).isEqualTo(LotSource.ADMIN);
        assertThat(lot.expiresAt()).isBetween(Instant.now().plus(Duration.ofDays(29)), Instant.now().plus(Duration.ofDays(31)));
        assertThat(statements.entries(alice.id(), 1)).singleElement().satisfies(entry -> {
            assertThat(entry.kind()).isEqualTo(EntryKind.GRANT);
            assertThat(entry.reason()).isEqualTo("Admin adjustment: Goodwill after an outage");
        });
    }

    @Test
    void theNoticeSaysOneCreditInTheSingular() throws Exception {
        MvcResult posted = adjust("alice@example.com", "-1", "Rounding", "").andExpect(status().isSeeOther()).andReturn();

        assertThat(Html.textOf(followRedirect(posted), "notice"))
                .isEqualTo("Removed 1 credit from alice@example.com. Balance now 19 available.");
    }

    @Test
    void aNegativeAmountRemovesAvailableCredits() throws Exception {
        adjust("alice@example.com", "-5", "Refunded a duplicate signup", "").andExpect(status().isSeeOther());

        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(15, 0));
        assertThat(statements.entries(alice.id(), 1)).singleElement()
                .satisfies(entry -> assertThat(entry.kind()).isEqualTo(EntryKind.DEBIT));
        assertThat(auditRows()).isEqualTo(1);
    }

    // Text with NUL in any field is refused before the form is read (web/NulCharacterFilter, NulCharacterTest).
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no reason            | alice@example.com | 10       | ''      | ''  | reason-error  | A reason is required",
            "blank reason         | alice@example.com | 10       | '   '   | ''  | reason-error  | A reason is required",
            "zero                 | alice@example.com | 0        | because | ''  | amount-error  | must not be 0",
            "absurd amount        | alice@example.com | 1000001  | because | ''  | amount-error  | between −1000000 and 1000000",
            "not a number         | alice@example.com | ten      | because | ''  | amount-error  | whole number",
            "more than available  | alice@example.com | -21      | because | ''  | amount-error  | only 20 credits available",
            "expiry on a removal  | alice@example.com | -5       | because | 7   | expiry-error  | Only added credits can expire",
            "expiry of 0 days     | alice@example.com | 5        | because | 0   | expiry-error  | between 1 and 3650 days",
            "unknown user         | ghost@example.com | 5        | because | ''  | user-error    | No user has the email",
            "no user              | ''                | 5        | because | ''  | user-error    | Enter the user's email",
    })
    void badAdjustmentsAreShownBesideTheirFieldAndWriteNothing(String name, String email, String amount, String reason,
                                                                String days, String errorId, String message) throws Exception {
        String html = adjust(email.translateEscapes(), amount, reason.translateEscapes(), days)
                .andExpect(status().isUnprocessableContent())
                .andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, errorId)).contains(message);
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20, 0));
        assertThat(statements.entries(alice.id(), 10)).hasSize(1); // the signup grant only
        assertThat(auditRows()).isZero();
    }

    @Test
    void eachRenderingOfTheFormCarriesItsOwnOneTimeKey() throws Exception {
        String first = formKey();
        String second = formKey();

        assertThat(first).matches("[0-9a-f-]{36}");
        assertThat(second).matches("[0-9a-f-]{36}").isNotEqualTo(first);
    }

    @Test
    void aReplayedAdjustmentChangesTheBooksOnceAndSaysSo() throws Exception {
        String key = UUID.randomUUID().toString(); // as the form carries it
        MvcResult first = adjust("alice@example.com", "7", "Goodwill", "", key).andReturn();
        MvcResult replay = adjust("alice@example.com", "7", "Goodwill", "", key).andReturn();

        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(27, 0));
        assertThat(auditRows()).isEqualTo(1);
        assertThat(List.of(first.getResponse().getStatus(), replay.getResponse().getStatus())).containsOnly(303);
        assertThat(replay.getResponse().getRedirectedUrl()).isEqualTo("/admin/credits");
        assertThat(Html.textOf(followRedirect(replay), "notice"))
                .isEqualTo("This adjustment was already applied; nothing changed. Balance of alice@example.com: 27 available.");
    }

    @Test
    void aReplayedRemovalTakesCreditsOnce() throws Exception {
        String key = UUID.randomUUID().toString();
        adjust("alice@example.com", "-5", "Duplicate signup", "", key);
        adjust("alice@example.com", "-5", "Duplicate signup", "", key);

        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(15, 0));
        assertThat(auditRows()).isEqualTo(1);
    }

    @Test
    void twoConcurrentPostsWithOneKeyChangeTheBooksOnce() throws Exception {
        String key = UUID.randomUUID().toString();
        List<MvcResult> posts = Races.race(2, () -> adjust("alice@example.com", "7", "Goodwill", "", key).andReturn());

        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(27, 0));
        assertThat(auditRows()).isEqualTo(1);
        assertThat(posts).extracting(post -> post.getResponse().getStatus()).containsOnly(303);
        assertThat(posts).extracting(post -> post.getFlashMap().get("notice")).containsExactlyInAnyOrder(
                "Added 7 credits to alice@example.com. Balance now 27 available.",
                "This adjustment was already applied; nothing changed. Balance of alice@example.com: 27 available.");
    }

    @Test
    void oneKeySentForTwoUsersAtOnceAppliesOnce() throws Exception {
        SignedInUser bob = accounts.register("bob@example.com", "correct horse");
        String key = UUID.randomUUID().toString();
        List<MvcResult> posts = Races.race(List.<Callable<MvcResult>>of(
                () -> adjust("alice@example.com", "7", "Goodwill", "", key).andReturn(),
                () -> adjust("bob@example.com", "7", "Goodwill", "", key).andReturn()));

        assertThat(statements.balance(alice.id()).availableCredits() + statements.balance(bob.id()).availableCredits())
                .isEqualTo(47);
        assertThat(auditRows()).isEqualTo(1);
        assertThat(posts).extracting(post -> post.getResponse().getStatus()).containsOnly(303);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no key       | ''",
            "blank key    | '   '",
            "over-long    | 0123456789012345678901234567890123456789012345678901234567890123456789",
            "other chars  | 'key with spaces'",
    })
    void anAdjustmentWithoutAWellFormedKeyIsRefusedAndWritesNothing(String name, String key) throws Exception {
        String html = adjust("alice@example.com", "7", "Goodwill", "", key.translateEscapes())
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "key-error")).contains("reload the page");
        assertThat(Html.attributeOf(html, "adjustment-key", "value")).as("a fresh key to try again with")
                .matches("[0-9a-f-]{36}");
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20, 0));
        assertThat(auditRows()).isZero();
    }

    @Test
    void aRefusedAdjustmentKeepsItsKeySoTheCorrectedFormAppliesOnce() throws Exception {
        String key = formKey();
        String refused = adjust("alice@example.com", "0", "Goodwill", "", key)
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        assertThat(Html.attributeOf(refused, "adjustment-key", "value")).isEqualTo(key);

        adjust("alice@example.com", "4", "Goodwill", "", key).andExpect(status().isSeeOther());
        adjust("alice@example.com", "4", "Goodwill", "", key).andExpect(status().isSeeOther());
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(24, 0));
    }

    @Test
    void theAdminPagesDoNotExistForOtherUsers() throws Exception {
        mvc.perform(get("/admin/credits").with(user(alice))).andExpect(status().isNotFound());
        mvc.perform(get("/admin/ledger").with(user(alice))).andExpect(status().isNotFound());
        mvc.perform(post("/admin/credits").with(csrf()).with(user(alice)).param("email", "alice@example.com")
                .param("amount", "1000").param("reason", "me")).andExpect(status().isNotFound());
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20, 0));
    }

    @Test
    void theLedgerCheckSaysTheBooksAreSoundOrListsWhatIsBroken() throws Exception {
        String sound = mvc.perform(get("/admin/ledger").with(user(admin))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(Html.textOf(sound, "ledger-sound")).contains("The books are sound");

        db.jdbc().sql("UPDATE credit_account SET available_credits = 25 WHERE user_id = ?").params(alice.id()).update();
        String broken = mvc.perform(get("/admin/ledger").with(user(admin))).andReturn().getResponse().getContentAsString();
        assertThat(Html.textOf(broken, "violations")).contains("user " + alice.id() + ": cached 25/0 but entries give 20/0");
        db.jdbc().sql("UPDATE credit_account SET available_credits = 20 WHERE user_id = ?").params(alice.id()).update();
    }

    private ResultActions adjust(String email, String amount, String reason, String days) throws Exception {
        return adjust(email, amount, reason, days, UUID.randomUUID().toString());
    }

    private ResultActions adjust(String email, String amount, String reason, String days, String key) throws Exception {
        return mvc.perform(post("/admin/credits").with(csrf()).with(user(admin)).param("email", email)
                .param("amount", amount).param("reason", reason).param("expiresInDays", days)
                .param("adjustmentKey", key));
    }

    /** The one-time key of a freshly rendered form. */
    private String formKey() throws Exception {
        String html = mvc.perform(get("/admin/credits").with(user(admin))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        String key = Html.attributeOf(html, "adjustment-key", "value");
        assertThat(key).as("the form's one-time key").isNotNull();
        return key;
    }

    /** The page the redirect after a POST leads to, in the POST's session (which holds its flash attributes). */
    private String followRedirect(MvcResult posted) throws Exception {
        Cookie session = posted.getResponse().getCookie("SESSION");
        assertThat(session).as("the session holding the flash attributes").isNotNull();
        return mvc.perform(get(posted.getResponse().getRedirectedUrl()).with(user(admin)).cookie(session))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }

    private long auditRows() {
        return db.jdbc().sql("SELECT count(*) FROM admin_audit").query(Long.class).single();
    }
}
