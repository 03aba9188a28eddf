package org.text2image.server.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.payments.upi.UpiExpiry;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.Races;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/**
 * Whatever a client sends to the UPI pages is either done or refused with a message beside its
 * field, and a refusal writes nothing: no payment row, no state change, no mail, no credits.
 */
@PageTest
class UpiPaymentInputTest {

    private static final String UTR = "512345678901";

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;
    @Autowired LedgerInvariants invariants;
    @Autowired PaymentRows payments;
    @Autowired UpiExpiry expiry;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;

    UpiTestSupport upi;
    SignedInUser admin;
    SignedInUser alice;
    SignedInUser bob;

    @BeforeEach
    void setUp() {
        db.clean();
        upi = new UpiTestSupport(mvc);
        admin = TestAccounts.admin(accounts, db, "admin@example.com");
        alice = accounts.register("alice@example.com", "correct horse");
        bob = accounts.register("bob@example.com", "correct horse");
    }

    @AfterEach
    void booksStayBalancedAndTheClockIsReset() {
        clock.reset();
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void theBuyPageShowsEachPackWithItsPriceAndBadgeAndAButtonPerWayToPayEachWithItsOwnKey() throws Exception {
        String html = upi.page(alice, "/buy");

        assertThat(Html.textOf(html, "pack-creator-name")).isEqualTo("Creator");
        assertThat(Html.textOf(html, "pack-creator-credits")).isEqualTo("600 credits");
        assertThat(Html.textOf(html, "pack-creator-badge")).isEqualTo("Best value");
        assertThat(Html.textOf(html, "pack-starter-price")).isEqualTo("₹99.00");
        assertThat(Html.textOf(html, "pack-dollars-price")).isEqualTo("$4.99");
        assertThat(Html.textOf(html, "pack-dollars-unavailable")).contains("cannot be bought here");
        assertThat(Html.attributeOf(html, "buy-creator-upi", "action")).isEqualTo("/payments/upi");
        List<String> keys = java.util.regex.Pattern.compile("name=\"requestKey\" value=\"([^\"]+)\"").matcher(html)
                .results().map(m -> m.group(1)).toList();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates().allMatch(key -> key.matches("[0-9a-f-]{36}"));
        assertThat(Html.attributeOf(html, "header-buy", "href")).isEqualTo("/buy");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "11 digits        | 12345678901     | exactly 12 digits",
            "13 digits        | 1234567890123   | exactly 12 digits",
            "letters          | 12345678901A    | exactly 12 digits",
            "space inside     | 123456 789012   | exactly 12 digits",
            "empty            | ''              | Enter the UTR",
            "Devanagari digits| '१२३४५६७८९०१२' | exactly 12 digits",
    })
    void aMalformedUtrIsRefusedBesideTheFieldAndChangesNothing(String name, String utr, String message) throws Exception {
        String reference = upi.openCreator(alice);

        String html = upi.submitUtr(alice, reference, utr).andExpect(status().isUnprocessableContent())
                .andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "utr-error")).contains(message);
        assertThat(Html.attributeOf(html, "utr", "value")).isEqualTo(utr);
        assertUntouched(reference);
    }

    @Test
    void aUtrUsedBeforeByAnotherUserIsRefused() throws Exception {
        upi.submitUtr(bob, upi.openCreator(bob), UTR).andExpect(status().isSeeOther());
        String reference = upi.openCreator(alice);
        long mails = mailCount();

        String html = upi.submitUtr(alice, reference, UTR).andExpect(status().isUnprocessableContent())
                .andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "utr-error")).contains("This UTR was already submitted");
        assertUntouched(reference, mails);
    }

    @Test
    void aUtrOfTheUsersOwnRejectedPaymentIsRefusedForANewRequest() throws Exception {
        String first = upi.openCreator(alice);
        upi.submitUtr(alice, first, UTR);
        upi.reject(admin, payments.findByReference(first).orElseThrow().id(), "Not received").andExpect(status().isSeeOther());
        String second = upi.openCreator(alice);
        long mails = mailCount();

        String html = upi.submitUtr(alice, second, UTR).andExpect(status().isUnprocessableContent())
                .andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "utr-error")).contains("This UTR was already submitted");
        assertUntouched(second, mails);
    }

    @Test
    void oneUtrSentForTwoRequestsAtOnceIsTakenOnce() throws Exception {
        String alices = upi.openCreator(alice);
        String bobs = upi.openCreator(bob);

        List<MvcResult> posts = Races.race(List.of(() -> upi.submitUtr(alice, alices, UTR).andReturn(),
                () -> upi.submitUtr(bob, bobs, UTR).andReturn()));

        assertThat(posts).extracting(post -> post.getResponse().getStatus()).containsExactlyInAnyOrder(303, 422);
        assertThat(db.jdbc().sql("SELECT count(*) FROM payment WHERE utr = ?").params(UTR).query(Long.class).single())
                .isEqualTo(1);
        assertThat(mailCount()).isEqualTo(1);
    }

    @Test
    void theSameUtrFormSentTwiceRecordsItOnce() throws Exception {
        String reference = upi.openCreator(alice);

        upi.submitUtr(alice, reference, UTR).andExpect(status().isSeeOther());
        upi.submitUtr(alice, reference, UTR).andExpect(status().isSeeOther());

        assertThat(payments.findByReference(reference).orElseThrow().state()).isEqualTo(PaymentState.PENDING_REVIEW);
        assertThat(mailCount()).isEqualTo(1);
    }

    @Test
    void aFourthOpenRequestIsRefusedUntilOneIsDecided() throws Exception {
        String first = upi.openCreator(alice);
        upi.openCreator(alice);
        upi.openCreator(alice);

        String html = upi.buy(alice, "creator", "49900", "INR").andExpect(status().isUnprocessableContent())
                .andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "pack-error")).contains("You already have 3 open UPI requests");
        assertThat(paymentCount()).isEqualTo(3);
        upi.submitUtr(alice, first, UTR);
        upi.reject(admin, payments.findByReference(first).orElseThrow().id(), "Not received");
        upi.buy(alice, "creator", "49900", "INR").andExpect(status().isSeeOther());
        assertThat(paymentCount()).isEqualTo(4);
    }

    @Test
    void fourRequestsAtOnceOpenThree() throws Exception {
        List<MvcResult> posts = Races.race(4, () -> upi.buy(alice, "starter", "9900", "INR").andReturn());

        assertThat(posts).extracting(post -> post.getResponse().getStatus()).containsExactlyInAnyOrder(303, 303, 303, 422);
        assertThat(paymentCount()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown pack        | platinum | 49900  | INR | There is no such pack on sale",
            "no pack             | ''       | 49900  | INR | There is no such pack on sale",
            "forged pack id      | '../x'   | 49900  | INR | There is no such pack on sale",
            "forged amount       | creator  | 100    | INR | is not the price of the Creator pack, which is ₹499.00",
            "amount in rupees    | creator  | 499.00 | INR | is not the price of the Creator pack",
            "negative amount     | creator  | -49900 | INR | is not the price of the Creator pack",
            "no amount           | creator  | ''     | INR | is not the price of the Creator pack",
            "forged currency     | creator  | 49900  | USD | is not the price of the Creator pack",
            "USD pack by UPI     | dollars  | 499    | USD | UPI is not available for this pack",
    })
    void anUnknownPackOrAForgedPriceIsRefusedAndOpensNothing(String name, String pack, String amount, String currency,
                                                             String message) throws Exception {
        String html = upi.buy(alice, pack, amount, currency).andExpect(status().isUnprocessableContent())
                .andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "pack-error")).contains(message);
        assertThat(paymentCount()).isZero();
    }

    @Test
    void aBuyFormWithoutAWellFormedKeyIsRefused() throws Exception {
        String html = upi.buy(alice, "creator", "49900", "INR", "key with spaces")
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "key-error")).contains("reload the page");
        assertThat(paymentCount()).isZero();
    }

    @Test
    void aReplayedBuyFormOpensOneRequest() throws Exception {
        String key = UUID.randomUUID().toString();
        List<MvcResult> posts = Races.race(2, () -> upi.buy(alice, "creator", "49900", "INR", key).andReturn());
        String again = upi.buy(alice, "creator", "49900", "INR", key).andReturn().getResponse().getRedirectedUrl();

        assertThat(posts).extracting(post -> post.getResponse().getRedirectedUrl()).containsOnly(again);
        assertThat(paymentCount()).isEqualTo(1);
        upi.buy(bob, "creator", "49900", "INR", key).andExpect(status().isUnprocessableContent());
        assertThat(paymentCount()).isEqualTo(1);
    }

    @Test
    void aRequestWithoutAUtrExpiresAfter24HoursAndThenTakesNone() throws Exception {
        String reference = upi.openCreator(alice);
        clock.advance(Duration.ofHours(23));
        assertThat(expiry.expireDue()).isZero();

        clock.advance(Duration.ofHours(1));
        String html = upi.submitUtr(alice, reference, UTR).andExpect(status().isUnprocessableContent())
                .andReturn().getResponse().getContentAsString();
        assertThat(Html.textOf(html, "utr-error")).contains("This request expired");

        upi.buy(alice, "starter", "9900", "INR").andExpect(status().isSeeOther());
        upi.buy(alice, "starter", "9900", "INR").andExpect(status().isSeeOther());
        upi.buy(alice, "starter", "9900", "INR").andExpect(status().isSeeOther()); // the expired one no longer counts

        assertThat(expiry.expireDue()).isEqualTo(1);
        assertThat(payments.findByReference(reference).orElseThrow().state()).isEqualTo(PaymentState.EXPIRED);
        assertThat(Html.textOf(upi.page(alice, "/payments/" + reference), "payment-state")).isEqualTo("Expired");
        mvc.perform(get("/payments/" + reference + "/qr.png").with(user(alice))).andExpect(status().isNotFound());
        assertThat(mailCount()).isZero();
    }

    @Test
    void anotherUsersPaymentDoesNotExist() throws Exception {
        String reference = upi.openCreator(alice);

        mvc.perform(get("/payments/" + reference).with(user(bob))).andExpect(status().isNotFound());
        mvc.perform(get("/payments/" + reference + "/qr.png").with(user(bob))).andExpect(status().isNotFound());
        upi.submitUtr(bob, reference, UTR).andExpect(status().isNotFound());
        mvc.perform(get("/payments/not-a-reference").with(user(alice))).andExpect(status().isNotFound());
        assertUntouched(reference);
    }

    @Test
    void approveAndRejectDoNotExistForOtherUsersOrWithoutTheFormsToken() throws Exception {
        String reference = upi.openCreator(alice);
        upi.submitUtr(alice, reference, UTR);
        long id = payments.findByReference(reference).orElseThrow().id();

        upi.approve(alice, id).andExpect(status().isNotFound());
        upi.reject(bob, id, "Because").andExpect(status().isNotFound());
        mvc.perform(get("/admin/payments").with(user(alice))).andExpect(status().isNotFound());
        mvc.perform(post("/admin/payments/" + id + "/approve").with(user(admin))).andExpect(status().isForbidden());

        assertThat(payments.findByReference(reference).orElseThrow().state()).isEqualTo(PaymentState.PENDING_REVIEW);
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20, 0));
        assertThat(auditRows()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no reason    | ''    | A reason is required",
            "blank reason | '   ' | A reason is required",
    })
    void aRejectionWithoutAReasonIsRefusedBesideTheField(String name, String reason, String message) throws Exception {
        String reference = upi.openCreator(alice);
        upi.submitUtr(alice, reference, UTR);
        long id = payments.findByReference(reference).orElseThrow().id();

        String html = upi.reject(admin, id, reason).andExpect(status().isUnprocessableContent())
                .andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "reason-error-" + id)).contains(message);
        assertThat(payments.findByReference(reference).orElseThrow().state()).isEqualTo(PaymentState.PENDING_REVIEW);
        assertThat(auditRows()).isZero();
    }

    @Test
    void aRejectionWithoutAReasonOfADecidedRequestStillSaysWhy() throws Exception {
        String reference = upi.openCreator(alice);
        upi.submitUtr(alice, reference, UTR);
        long id = payments.findByReference(reference).orElseThrow().id();
        upi.approve(admin, id);

        String html = upi.reject(admin, id, "").andExpect(status().isUnprocessableContent())
                .andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "reason-error")).contains("A reason is required");
        assertThat(payments.findByReference(reference).orElseThrow().state()).isEqualTo(PaymentState.APPROVED);
    }

    @Test
    void decisionsOnAnUnknownOrMalformedIdAreNotFound() throws Exception {
        upi.approve(admin, 999_999).andExpect(status().isNotFound());
        upi.reject(admin, 999_999, "Because").andExpect(status().isNotFound());
        mvc.perform(post("/admin/payments/abc/approve").with(csrf()).with(user(admin))).andExpect(status().isNotFound());
        assertThat(auditRows()).isZero();
    }

    @Test
    void aRequestNotYetPendingCannotBeApproved() throws Exception {
        String reference = upi.openCreator(alice);
        long id = payments.findByReference(reference).orElseThrow().id();

        MvcResult approve = upi.approve(admin, id).andExpect(status().isSeeOther()).andReturn();

        assertThat(approve.getFlashMap().get("notice")).asString().contains("waiting for your utr", "nothing changed");
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20, 0));
        assertThat(auditRows()).isZero();
    }

    /** The request still waits for its UTR, and nothing was mailed or granted. */
    private void assertUntouched(String reference) {
        assertUntouched(reference, 0);
    }

    /** The request still waits for its UTR, no mail was added to the {@code mailsBefore}, nothing was granted. */
    private void assertUntouched(String reference, long mailsBefore) {
        Payment payment = payments.findByReference(reference).orElseThrow();
        assertThat(payment.state()).isEqualTo(PaymentState.AWAITING_UTR);
        assertThat(payment.utr()).isNull();
        assertThat(mailCount()).isEqualTo(mailsBefore);
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20, 0));
    }

    private long paymentCount() {
        return db.jdbc().sql("SELECT count(*) FROM payment").query(Long.class).single();
    }

    private long mailCount() {
        return db.jdbc().sql("SELECT count(*) FROM mail_outbox WHERE subject NOT LIKE '%balance%'").query(Long.class).single();
    }

    private long auditRows() {
        return db.jdbc().sql("SELECT count(*) FROM admin_audit").query(Long.class).single();
    }
}
