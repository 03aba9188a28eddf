package org.text2image.server.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/**
 * A card purchase through Stripe Checkout, with Stripe's API played by a local stand-in and its
 * webhook events signed as Stripe signs them: the Buy form opens a Checkout Session with the
 * pack's exact price and the payment in its metadata and redirects to it; only a verified webhook
 * grants, once per Session, however often and through however many events it is told. The books
 * balance after every test.
 */
@PageTest
@TestPropertySource(properties = {
        "text2image.public-url=https://t2i.example.com/",
        "text2image.payments.stripe.secret-key=sk_test_standInKey123",
        "text2image.payments.stripe.webhook-secret=" + StripeTestSupport.WEBHOOK_SECRET
})
class StripePaymentTest {

    static final StripeStandIn STRIPE = new StripeStandIn();

    @DynamicPropertySource
    static void stripeApi(DynamicPropertyRegistry registry) {
        registry.add("text2image.payments.stripe.api-base", STRIPE::base);
    }

    @AfterAll
    static void stopStandIn() {
        STRIPE.close();
    }

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;
    @Autowired LedgerInvariants invariants;
    @Autowired PaymentRows payments;
    @Autowired TestDatabase db;
    @Autowired Clock clock;
    @Autowired TransactionTemplate tx;
    @Autowired CreditLedger ledger;

    StripeTestSupport stripe;
    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        STRIPE.reset();
        stripe = new StripeTestSupport(mvc, clock);
        alice = accounts.register("alice@example.com", "correct horse");
    }

    @AfterEach
    void booksStayBalanced() {
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void theBuyFormCreatesACheckoutSessionWithThePacksExactPriceAndMetadataAndRedirectsToIt() throws Exception {
        assertThat(Html.tagOf(page(alice, "/buy"), "pay-dollars-stripe")).as("card payments offered").isNotNull();
        String key = UUID.randomUUID().toString();
        String location = stripe.buy(alice, "dollars", "499", "USD", key).andExpect(status().isSeeOther())
                .andReturn().getResponse().getRedirectedUrl();

        assertThat(STRIPE.calls()).hasSize(1);
        StripeStandIn.Call call = STRIPE.calls().getFirst();
        Payment payment = payments.findByRequestKey(key).orElseThrow();
        assertThat(payment.state()).isEqualTo(PaymentState.CHECKOUT_OPEN);
        assertThat(payment.providerReference()).startsWith("cs_test_a1StandIn");
        assertThat(location).isEqualTo("https://checkout.stripe.com/c/pay/" + payment.providerReference());
        assertThat(call.form()).containsEntry("mode", "payment")
                .containsEntry("line_items[0][price_data][unit_amount]", "499")
                .containsEntry("line_items[0][price_data][currency]", "usd")
                .containsEntry("line_items[0][quantity]", "1")
                .containsEntry("metadata[payment_id]", Long.toString(payment.id()))
                .containsEntry("metadata[user_id]", Long.toString(alice.id()))
                .containsEntry("metadata[pack_id]", "dollars")
                .containsEntry("payment_intent_data[metadata][payment_id]", Long.toString(payment.id()))
                .containsEntry("client_reference_id", payment.reference())
                .containsEntry("success_url", "https://t2i.example.com/payments/" + payment.reference())
                .containsEntry("cancel_url", "https://t2i.example.com/buy")
                .containsEntry("customer_creation", "always")
                .containsEntry("customer_email", "alice@example.com");
        assertThat(call.idempotencyKey()).isEqualTo("checkout-" + payment.reference());
        assertThat(call.authorization()).isEqualTo("Bearer sk_test_standInKey123");

        stripe.buy(alice, "dollars", "499", "USD", key).andExpect(status().isSeeOther())
                .andExpect(redirectedUrl(location));
        assertThat(STRIPE.calls()).as("a replayed form opens no second Session").hasSize(1);
    }

    @Test
    void theReturnPageSaysProcessingUntilTheWebhookLandsThenShowsTheNewBalance() throws Exception {
        Payment payment = openCheckout();
        String waiting = page(alice, "/payments/" + payment.reference() + "/status");
        assertThat(Html.textOf(waiting, "payment-processing")).contains("Processing");
        assertThat(Html.attributeOf(waiting, "payment-status", "hx-get")).as("the page follows the payment")
                .isEqualTo("/payments/" + payment.reference() + "/status");

        stripe.send(stripe.event("checkout_session_event", payment, Map.of())).andExpect(status().isOk());

        String paid = page(alice, "/payments/" + payment.reference() + "/status");
        assertThat(Html.textOf(paid, "payment-state")).isEqualTo("Paid");
        assertThat(Html.tagOf(paid, "payment-processing")).isNull();
        assertThat(Html.attributeOf(paid, "payment-status", "hx-get")).as("polling stops").isNull();
        assertThat(Html.textOf(paid, "balance")).contains("70");
    }

    @Test
    void aSignedCompletedEventGrantsOnceAndTheSameEventAgainChangesNothing() throws Exception {
        Payment payment = openCheckout();
        String event = stripe.event("checkout_session_event", payment, Map.of());

        stripe.send(event).andExpect(status().isOk()).andExpect(content().string("handled\n"));
        stripe.send(event).andExpect(status().isOk()).andExpect(content().string("replayed\n"));

        assertThat(available()).isEqualTo(20 + 50);
        Payment paid = payments.find(payment.id()).orElseThrow();
        assertThat(paid.state()).isEqualTo(PaymentState.PAID);
        assertThat(paid.grantKey()).isEqualTo("stripe:" + payment.providerReference());
        assertThat(db.jdbc().sql("SELECT count(*) FROM ledger_entry WHERE idempotency_key = ?")
                .params(paid.grantKey()).query(Long.class).single()).isEqualTo(1);
        assertThat(db.jdbc().sql("SELECT customer_id FROM stripe_customer WHERE user_id = ?").params(alice.id())
                .query(String.class).single()).isEqualTo("cus_TestCustomer4711");
        assertThat(db.jdbc().sql("SELECT subject, html_body FROM mail_outbox WHERE subject LIKE '%card payment%'")
                .query((rs, n) -> rs.getString(1) + " | " + rs.getString(2)).list())
                .singleElement().asString().contains(payment.reference(), "we added 50 credits", "<p>");
        assertThat(Html.textOf(page(alice, "/credits"), "credits-page"))
                .as("the grant links to its payment").contains("View payment " + payment.reference());
    }

    @Test
    void aSessionPaidThroughTwoEventsGrantsOnce() throws Exception {
        Payment payment = openCheckout();
        stripe.send(stripe.event("checkout_session_event", payment, Map.of("PAYMENT_STATUS", "unpaid")))
                .andExpect(status().isOk());
        assertThat(available()).as("a delayed payment method: not paid yet").isEqualTo(20);
        assertThat(payments.find(payment.id()).orElseThrow().state()).isEqualTo(PaymentState.CHECKOUT_OPEN);

        stripe.send(stripe.event("checkout_session_event", payment, Map.of("TYPE", "checkout.session.completed")))
                .andExpect(status().isOk());
        stripe.send(stripe.event("checkout_session_event", payment,
                Map.of("TYPE", "checkout.session.async_payment_succeeded"))).andExpect(status().isOk());

        assertThat(available()).isEqualTo(20 + 50);
        assertThat(payments.find(payment.id()).orElseThrow().state()).isEqualTo(PaymentState.PAID);
    }

    @Test
    void refusesBadSignaturesStaleEventsAndEventsThatDoNotMatchTheirPaymentAndGrantsNothing() throws Exception {
        Payment payment = openCheckout();
        String good = stripe.event("checkout_session_event", payment, Map.of());
        long now = clock.instant().getEpochSecond();

        stripe.send(good, StripeTestSupport.sign(good, "whsec_anotherSecret999", now)).andExpect(status().isBadRequest());
        stripe.send(good, StripeTestSupport.sign(good, StripeTestSupport.WEBHOOK_SECRET, now - 301))
                .andExpect(status().isBadRequest());
        stripe.send(good, "").andExpect(status().isBadRequest());
        stripe.send(good, "t=" + now + ",v1=00").andExpect(status().isBadRequest());
        stripe.send(good.replace("\"paid\"", "\"PAID\""), StripeTestSupport.sign(good, StripeTestSupport.WEBHOOK_SECRET, now))
                .andExpect(status().isBadRequest()); // a body changed after signing
        for (Map<String, String> forged : List.of(
                Map.of("PACK_ID", "nope"), Map.of("PACK_ID", "creator"), Map.of("PAYMENT_ID", "999999"),
                Map.of("PAYMENT_ID", "x"), Map.of("USER_ID", "424242"), Map.of("AMOUNT", "1"),
                Map.of("AMOUNT", "4990"), Map.of("CURRENCY", "inr"), Map.of("SESSION_ID", "cs_test_another"),
                Map.of("SESSION_ID", "pi_notASession"))) {
            assertThat(stripe.send(stripe.event("checkout_session_event", payment, forged)).andReturn().getResponse()
                    .getStatus()).as(forged.toString()).isEqualTo(400);
        }
        stripe.send("{\"not\": \"an event\"").andExpect(status().isBadRequest());
        stripe.send("[]").andExpect(status().isBadRequest());

        assertThat(available()).isEqualTo(20);
        assertThat(payments.find(payment.id()).orElseThrow().state()).isEqualTo(PaymentState.CHECKOUT_OPEN);
        assertThat(db.jdbc().sql("SELECT count(*) FROM stripe_event").query(Long.class).single()).isZero();
    }

    @Test
    void aRefundAfterPartOfTheCreditsWereSpentRemovesOnlyTheUnspentPartAndShowsTheRestOwed() throws Exception {
        Payment payment = pay();
        SignedInUser admin = TestAccounts.admin(accounts, db, "admin@example.com");
        spend(40); // the 20 signup credits first, then 20 of the 50 bought

        stripe.send(stripe.event("charge_refunded_event", payments.find(payment.id()).orElseThrow(), Map.of()))
                .andExpect(status().isOk());

        assertThat(available()).isZero();
        assertThat(payments.find(payment.id()).orElseThrow().state()).isEqualTo(PaymentState.REFUNDED);
        String adminPage = page(admin, "/admin/payments");
        assertThat(Html.textOf(adminPage, "reversals")).contains("Refunds and disputes", "alice@example.com",
                payment.reference(), "Refunded", "$4.99");
        assertThat(Html.textOf(adminPage, "reversal-" + payment.id() + "-revoked")).isEqualTo("30");
        assertThat(Html.textOf(adminPage, "reversal-" + payment.id() + "-owed")).isEqualTo("20");
        assertThat(Html.textOf(page(alice, "/payments/" + payment.reference()), "payment-reversed")).contains("refunded");

        stripe.send(stripe.event("charge_dispute_created_event", payments.find(payment.id()).orElseThrow(), Map.of()))
                .andExpect(status().isOk());
        assertThat(available()).as("a refunded payment is not taken back twice").isZero();
        assertThat(payments.find(payment.id()).orElseThrow().state()).isEqualTo(PaymentState.REFUNDED);
    }

    @Test
    void aRefundOfAPaymentWhoseCreditsWereAllSpentTakesNothingAndNeverGoesBelowZero() throws Exception {
        Payment payment = pay();
        spend(70);

        stripe.send(stripe.event("charge_refunded_event", payments.find(payment.id()).orElseThrow(), Map.of()))
                .andExpect(status().isOk());

        assertThat(available()).isZero();
        assertThat(db.jdbc().sql("SELECT revoked_credits || '/' || owed_credits FROM stripe_checkout WHERE payment_id = ?")
                .params(payment.id()).query(String.class).single()).isEqualTo("0/50");
    }

    @Test
    void aDisputeMarksThePaymentRemovesItsUnspentCreditsAndAlertsTheAdmin() throws Exception {
        Payment payment = pay();
        SignedInUser admin = TestAccounts.admin(accounts, db, "admin@example.com");
        String dispute = stripe.event("charge_dispute_created_event", payments.find(payment.id()).orElseThrow(), Map.of());

        stripe.send(dispute).andExpect(status().isOk());
        stripe.send(dispute).andExpect(status().isOk()).andExpect(content().string("replayed\n"));

        assertThat(available()).isEqualTo(20);
        assertThat(payments.find(payment.id()).orElseThrow().state()).isEqualTo(PaymentState.DISPUTED);
        String adminPage = page(admin, "/admin/payments");
        assertThat(Html.textOf(adminPage, "reversals")).contains(payment.reference(), "Disputed");
        assertThat(Html.textOf(adminPage, "reversal-" + payment.id() + "-revoked")).isEqualTo("50");
        assertThat(Html.textOf(adminPage, "reversal-" + payment.id() + "-owed")).isEqualTo("0");
    }

    @Test
    void aPackTakenOffSaleAfterCheckoutStillPaysWhatThePaymentCopied() throws Exception {
        Pack retired = new Pack("retired", "Retired", 300, 999, "USD", null);
        Payment payment = payments.insert(alice.id(), PaymentProvider.STRIPE, PaymentState.CHECKOUT_OPEN, "RETIRED001",
                UUID.randomUUID().toString(), retired, null).orElseThrow();
        payment = payments.transition(payment.id(), PaymentState.CHECKOUT_OPEN, PaymentState.CHECKOUT_OPEN,
                "provider_reference = ?", "cs_test_retired").orElseThrow();

        stripe.send(stripe.event("checkout_session_event", payment, Map.of())).andExpect(status().isOk());

        assertThat(available()).isEqualTo(20 + 300);
    }

    @Test
    void aChargeOfAnotherProductIsIgnored() throws Exception {
        Payment payment = pay();
        stripe.send(stripe.event("charge_refunded_event", payment, Map.of("REFERENCE", "SOMETHINGELSE")))
                .andExpect(status().isOk()).andExpect(content().string("ignored\n"));
        assertThat(available()).isEqualTo(70);
    }

    @Test
    void aWebhookOverSixtyFourKilobytesIsRefusedAndWritesNothing() throws Exception {
        Payment payment = openCheckout();
        String event = stripe.event("checkout_session_event", payment, Map.of());
        String padded = event.substring(0, event.lastIndexOf('}')) + ", \"padding\": \"" + "x".repeat(64 * 1024) + "\"}";

        stripe.send(padded).andExpect(status().isPayloadTooLarge());

        assertThat(available()).isEqualTo(20);
        assertThat(db.jdbc().sql("SELECT count(*) FROM stripe_event").query(Long.class).single()).isZero();
    }

    @Test
    void anExpiredSessionEndsItsPayment() throws Exception {
        Payment payment = openCheckout();
        stripe.send(stripe.event("checkout_session_event", payment,
                Map.of("TYPE", "checkout.session.expired", "PAYMENT_STATUS", "unpaid"))).andExpect(status().isOk());
        assertThat(payments.find(payment.id()).orElseThrow().state()).isEqualTo(PaymentState.EXPIRED);
        assertThat(available()).isEqualTo(20);
    }

    @Test
    void whenStripeRefusesTheSessionTheBuyPageSaysSoAndNothingIsOpen() throws Exception {
        STRIPE.failNext();
        String key = UUID.randomUUID().toString();
        String page = stripe.buy(alice, "dollars", "499", "USD", key).andExpect(status().isServiceUnavailable())
                .andReturn().getResponse().getContentAsString();
        assertThat(Html.textOf(page, "pack-error")).contains("unavailable");
        assertThat(payments.findByRequestKey(key).orElseThrow().state()).isEqualTo(PaymentState.EXPIRED);
    }

    @Test
    void theBuyFormNeedsItsCsrfTokenButTheWebhookDoesNot() throws Exception {
        mvc.perform(post("/payments/stripe").with(user(alice)).param("packId", "dollars").param("amountMinor", "499")
                .param("currency", "USD").param("requestKey", UUID.randomUUID().toString()))
                .andExpect(status().isForbidden());
        assertThat(STRIPE.calls()).isEmpty();
        stripe.send("{}", "t=1,v1=00").andExpect(status().isBadRequest()); // not 403: no token asked
    }

    @Test
    void refusesAForgedPriceOrCurrencyInTheBuyForm() throws Exception {
        stripe.buy(alice, "dollars", "1", "USD", UUID.randomUUID().toString()).andExpect(status().isUnprocessableContent());
        stripe.buy(alice, "dollars", "499", "INR", UUID.randomUUID().toString()).andExpect(status().isUnprocessableContent());
        stripe.buy(alice, "nope", "499", "USD", UUID.randomUUID().toString()).andExpect(status().isUnprocessableContent());
        stripe.buy(alice, "dollars", "499", "USD", "bad key!").andExpect(status().isUnprocessableContent());
        assertThat(STRIPE.calls()).isEmpty();
        assertThat(payments.forUser(alice.id(), 10)).isEmpty();
    }

    private Payment openCheckout() throws Exception {
        String key = UUID.randomUUID().toString();
        stripe.buy(alice, "dollars", "499", "USD", key).andExpect(status().isSeeOther());
        return payments.findByRequestKey(key).orElseThrow();
    }

    /** A paid checkout of the Dollar pack (50 credits); alice then has 70. */
    private Payment pay() throws Exception {
        Payment payment = openCheckout();
        stripe.send(stripe.event("checkout_session_event", payment, Map.of())).andExpect(status().isOk());
        assertThat(available()).isEqualTo(70);
        return payments.find(payment.id()).orElseThrow();
    }

    /** Spends credits through the ledger (never-expiring lots: the oldest first, so the signup credits go first). */
    private void spend(long credits) {
        tx.executeWithoutResult(status -> ledger.debit(alice.id(), credits, "test-spend:" + UUID.randomUUID(),
                "Spent in a test"));
    }

    private long available() {
        return statements.balance(alice.id()).availableCredits();
    }

    private String page(SignedInUser user, String path) throws Exception {
        return mvc.perform(get(path).with(user(user)))
                .andReturn().getResponse().getContentAsString();
    }
}
