package org.text2image.server.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrlPattern;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.Subscription;
import org.text2image.server.plans.SubscriptionSource;
import org.text2image.server.plans.UserPlans;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.PageTest;

/**
 * Plans paid by card: the Billing page's card actions against a local stand-in for Stripe's API,
 * and Stripe's subscription events signed as Stripe signs them. A plan starts with its first paid
 * invoice, each paid period grants its credits once (expiring at the period's end), a cancelled or
 * ended subscription keeps the plan to the end of the paid period, a failed payment mails the user
 * and the admins, and nothing a client or a forged event sends changes anything. The books balance
 * after every test.
 */
@PageTest
@TestPropertySource(properties = {
        "text2image.public-url=https://t2i.example.com/",
        "text2image.payments.stripe.secret-key=sk_test_standInKey123",
        "text2image.payments.stripe.webhook-secret=" + StripeTestSupport.WEBHOOK_SECRET
})
class StripeSubscriptionTest {

    static final StripeStandIn STRIPE = new StripeStandIn();
    static final String SUB = "sub_1TestSubscription";
    static final String CUSTOMER = "cus_TestCustomer4711";
    static final String PRO_WEEKLY = "text2image-plan-pro-weekly";
    static final long WEEK = Duration.ofDays(7).toSeconds();
    static final java.time.format.DateTimeFormatter DAY = java.time.format.DateTimeFormatter.ofPattern("d MMM yyyy",
            java.util.Locale.ENGLISH).withZone(java.time.ZoneOffset.UTC);

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
    @Autowired TestDatabase db;
    @Autowired MutableClock clock;
    @Autowired UserPlans plans;
    @Autowired CreditLedger ledger;

    StripeTestSupport stripe;
    SignedInUser alice;
    long signup;

    /** A checkout row as the tests read it. */
    record Checkout(long id, String requestKey, String sessionId, String state, String subscriptionId) {
    }

    @BeforeEach
    void setUp() {
        db.clean();
        STRIPE.reset();
        clock.freeze();
        stripe = new StripeTestSupport(mvc, clock);
        alice = accounts.register("alice@example.com", "correct horse");
        signup = available(alice);
    }

    @AfterEach
    void booksStayBalanced() {
        assertThat(invariants.violations()).isEmpty();
        clock.reset();
    }

    @Test
    void aCheckoutInSubscriptionModeStartsThePlanWithItsFirstPaidInvoiceAndEachWeeksCreditsComeOnce() throws Exception {
        String key = UUID.randomUUID().toString();
        String location = post(alice, "/billing/stripe/checkout", "planId", "pro", "period", "weekly", "requestKey", key)
                .andExpect(status().isSeeOther()).andReturn().getResponse().getRedirectedUrl();
        Checkout checkout = checkout(key);
        assertThat(checkout.state()).isEqualTo("OPEN");
        assertThat(location).isEqualTo("https://checkout.stripe.com/c/pay/" + checkout.sessionId());
        StripeStandIn.Call call = sessionCalls().getFirst();
        assertThat(call.form()).containsEntry("mode", "subscription")
                .containsEntry("line_items[0][quantity]", "1")
                .containsEntry("line_items[0][price_data][currency]", "inr")
                .containsEntry("line_items[0][price_data][unit_amount]", "49900")
                .containsEntry("line_items[0][price_data][recurring][interval]", "week")
                .containsEntry("line_items[0][price_data][product]", PRO_WEEKLY)
                .containsEntry("metadata[checkout_id]", Long.toString(checkout.id()))
                .containsEntry("metadata[user_id]", Long.toString(alice.id()))
                .containsEntry("metadata[plan_id]", "pro")
                .containsEntry("metadata[billing_period]", "weekly")
                .containsEntry("subscription_data[metadata][checkout_id]", Long.toString(checkout.id()))
                .containsEntry("subscription_data[metadata][user_id]", Long.toString(alice.id()))
                .containsEntry("subscription_data[metadata][plan_id]", "pro")
                .containsEntry("subscription_data[metadata][billing_period]", "weekly")
                .containsEntry("success_url", "https://t2i.example.com/billing")
                .containsEntry("cancel_url", "https://t2i.example.com/pricing")
                .containsEntry("customer_email", "alice@example.com");
        assertThat(call.idempotencyKey()).isEqualTo("plan-checkout-" + key);

        post(alice, "/billing/stripe/checkout", "planId", "pro", "period", "weekly", "requestKey", key)
                .andExpect(status().isSeeOther()).andExpect(redirectedUrl(location));
        assertThat(sessionCalls()).as("a replayed form opens no second Session").hasSize(1);

        stripe.send(completed(checkout, alice, "pro", "weekly")).andExpect(content().string("handled\n"));
        assertThat(checkout(key).state()).isEqualTo("ACTIVE");
        assertThat(checkout(key).subscriptionId()).isEqualTo(SUB);
        assertThat(plans.planOf(alice.id()).id()).as("no plan before the first paid invoice").isEqualTo("free");
        assertThat(available(alice)).isEqualTo(signup);

        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant end = start.plusSeconds(WEEK);
        String paid = invoice("invoice_event", "invoice.paid", "in_1TestWeek1", metadata(checkout, alice, "pro", "weekly"),
                PRO_WEEKLY, 49900, start, end, "");
        stripe.send(paid).andExpect(content().string("handled\n"));

        assertThat(plans.planOf(alice.id()).id()).isEqualTo("pro");
        Subscription term = plans.subscription(alice.id()).orElseThrow();
        assertThat(term.source()).isEqualTo(SubscriptionSource.STRIPE);
        assertThat(term.stripeSubscriptionId()).isEqualTo(SUB);
        assertThat(term.paidUntil()).isEqualTo(end);
        assertThat(available(alice)).isEqualTo(signup + 1500);
        assertThat(db.jdbc().sql("SELECT count(*) FROM ledger_entry WHERE idempotency_key = 'stripe-invoice:in_1TestWeek1'")
                .query(Long.class).single()).isEqualTo(1);
        assertThat(db.jdbc().sql("SELECT expires_at FROM credit_lot WHERE user_id = ? AND source = 'PLAN'")
                .params(alice.id()).query(Instant.class).single()).as("a week's credits expire at its end").isEqualTo(end);

        stripe.send(paid).andExpect(content().string("replayed\n"));
        stripe.send(invoice("invoice_event", "invoice.paid", "in_1TestWeek1", metadata(checkout, alice, "pro", "weekly"),
                PRO_WEEKLY, 49900, start, end, "")).andExpect(status().isOk());
        assertThat(available(alice)).as("the same invoice in a new event grants nothing more").isEqualTo(signup + 1500);

        clock.advance(Duration.ofDays(7));
        stripe.send(invoice("invoice_event", "invoice.paid", "in_1TestWeek2", metadata(checkout, alice, "pro", "weekly"),
                PRO_WEEKLY, 49900, end, end.plusSeconds(WEEK), "")).andExpect(content().string("handled\n"));
        assertThat(plans.subscription(alice.id()).orElseThrow().paidUntil()).isEqualTo(end.plusSeconds(WEEK));
        assertThat(plans.planOf(alice.id()).id()).isEqualTo("pro");
        assertThat(db.jdbc().sql("SELECT sum(granted_credits) FROM credit_lot WHERE user_id = ? AND source = 'PLAN'")
                .params(alice.id()).query(Long.class).single()).isEqualTo(3000);
        assertThat(plans.grantedPeriods(alice.id(), 10)).hasSize(2);
    }

    @Test
    void anInvoiceInTheOlderShapeArrivingBeforeItsCheckoutEventStartsThePlanAndTheCheckoutEventThenLinksTheSame()
            throws Exception {
        Checkout checkout = subscribe(alice, "pro", "weekly");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        stripe.send(invoice("invoice_event_legacy", "invoice.paid", "in_1TestLegacy", metadata(checkout, alice, "pro", "weekly"),
                PRO_WEEKLY, 49900, start, start.plusSeconds(WEEK), "")).andExpect(content().string("handled\n"));

        assertThat(plans.planOf(alice.id()).id()).isEqualTo("pro");
        assertThat(available(alice)).isEqualTo(signup + 1500);
        assertThat(checkout(checkout.requestKey()).subscriptionId()).isEqualTo(SUB);

        stripe.send(completed(checkout, alice, "pro", "weekly")).andExpect(content().string("handled\n"));
        assertThat(checkout(checkout.requestKey()).state()).isEqualTo("ACTIVE");
        assertThat(available(alice)).as("the checkout event grants nothing").isEqualTo(signup + 1500);
    }

    @Test
    void aYearlySubscriptionGrantsTheWholeYearsCreditsUpfrontExpiringAtTheYearsEnd() throws Exception {
        String key = UUID.randomUUID().toString();
        post(alice, "/billing/stripe/checkout", "planId", "starter", "period", "yearly", "requestKey", key)
                .andExpect(status().isSeeOther());
        assertThat(sessionCalls().getLast().form())
                .containsEntry("line_items[0][price_data][recurring][interval]", "year")
                .containsEntry("line_items[0][price_data][unit_amount]", "799900")
                .containsEntry("line_items[0][price_data][product]", "text2image-plan-starter-yearly");
        Checkout checkout = checkout(key);
        stripe.send(completed(checkout, alice, "starter", "yearly")).andExpect(status().isOk());
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant end = start.atOffset(java.time.ZoneOffset.UTC).plusYears(1).toInstant();
        stripe.send(invoice("invoice_event", "invoice.paid", "in_1TestYear", metadata(checkout, alice, "starter", "yearly"),
                "text2image-plan-starter-yearly", 799900, start, end, "")).andExpect(content().string("handled\n"));

        assertThat(plans.planOf(alice.id()).id()).isEqualTo("starter");
        assertThat(plans.subscription(alice.id()).orElseThrow().period()).isEqualTo(BillingPeriod.YEARLY);
        assertThat(available(alice)).isEqualTo(signup + 26000);
        assertThat(db.jdbc().sql("SELECT expires_at FROM credit_lot WHERE user_id = ? AND source = 'PLAN'")
                .params(alice.id()).query(Instant.class).single()).isEqualTo(end);
    }

    @Test
    void anExpiredCheckoutIsMarkedAndAPlanChangedAtStripeIsShownAsTheNextPlan() throws Exception {
        Checkout abandoned = subscribe(alice, "ultra", "weekly");
        stripe.send(stripe.event("subscription_checkout_event", Map.of("TYPE", "checkout.session.expired",
                "SESSION_ID", abandoned.sessionId(), "AMOUNT", "99900", "CHECKOUT_ID", Long.toString(abandoned.id()),
                "CUSTOMER", CUSTOMER, "INVOICE_ID", "in_1None", "SUBSCRIPTION_ID", SUB,
                "METADATA", metadata(abandoned, alice, "ultra", "weekly")))).andExpect(content().string("handled\n"));
        assertThat(checkout(abandoned.requestKey()).state()).isEqualTo("EXPIRED");

        Checkout checkout = subscribe(alice, "pro", "weekly");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant end = start.plusSeconds(WEEK);
        activate(checkout, alice, start, end);
        stripe.send(subscriptionEvent("customer.subscription.updated", metadata(checkout, alice, "pro", "weekly"),
                "text2image-plan-starter-weekly", start, end, false, "null")).andExpect(content().string("handled\n"));

        Subscription term = plans.subscription(alice.id()).orElseThrow();
        assertThat(term.next().planId()).isEqualTo("starter");
        assertThat(term.next().period()).isEqualTo(BillingPeriod.WEEKLY);
        assertThat(plans.planOf(alice.id()).id()).as("until the paid period ends").isEqualTo("pro");

        clock.advance(Duration.ofDays(7));
        stripe.send(invoice("invoice_event", "invoice.paid", "in_1TestRenewal", metadata(checkout, alice, "pro", "weekly"),
                "text2image-plan-starter-weekly", 19900, end, end.plusSeconds(WEEK), "")).andExpect(status().isOk());
        assertThat(plans.planOf(alice.id()).id()).isEqualTo("starter");
        assertThat(plans.subscription(alice.id()).orElseThrow().next()).isNull();
        assertThat(db.jdbc().sql("SELECT sum(granted_credits) FROM credit_lot WHERE user_id = ? AND source = 'PLAN'")
                .params(alice.id()).query(Long.class).single()).isEqualTo(1500 + 500);
    }

    @Test
    void aCancelledSubscriptionShowsItsFlagAndOnceDeletedRunsToThePaidPeriodsEndThenTheUserIsFree() throws Exception {
        Checkout checkout = subscribe(alice, "pro", "weekly");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant end = start.plusSeconds(WEEK);
        activate(checkout, alice, start, end);

        stripe.send(subscriptionEvent("customer.subscription.updated", metadata(checkout, alice, "pro", "weekly"),
                PRO_WEEKLY, start, end, true, "null")).andExpect(content().string("handled\n"));
        assertThat(plans.subscription(alice.id()).orElseThrow().cancelAtPeriodEnd()).isTrue();
        stripe.send(subscriptionEvent("customer.subscription.updated", metadata(checkout, alice, "pro", "weekly"),
                PRO_WEEKLY, start, end, false, "null")).andExpect(status().isOk());
        assertThat(plans.subscription(alice.id()).orElseThrow().cancelAtPeriodEnd()).as("renews again").isFalse();

        stripe.send(subscriptionEvent("customer.subscription.deleted", metadata(checkout, alice, "pro", "weekly"),
                PRO_WEEKLY, start, end, false, "null")).andExpect(content().string("handled\n"));
        assertThat(plans.planOf(alice.id()).id()).as("still on the plan it paid for").isEqualTo("pro");
        assertThat(plans.subscription(alice.id()).orElseThrow().paidUntil()).isEqualTo(end);
        assertThat(checkout(checkout.requestKey()).state()).isEqualTo("ENDED");

        clock.advance(Duration.ofDays(7));
        ledger.expireDue(alice.id());
        assertThat(plans.planOf(alice.id()).id()).isEqualTo("free");
        assertThat(available(alice)).as("the week's plan credits expired with it").isEqualTo(signup);
        post(alice, "/billing/stripe/checkout", "planId", "starter", "period", "yearly", "requestKey", UUID.randomUUID().toString())
                .andExpect(status().isSeeOther()).andExpect(flash().attributeCount(0));
        assertThat(sessionCalls().getLast().form()).as("a user whose subscription ended may subscribe again")
                .containsEntry("line_items[0][price_data][recurring][interval]", "year")
                .containsEntry("line_items[0][price_data][unit_amount]", "799900")
                .containsEntry("customer", CUSTOMER);
    }

    @Test
    void deletingAnAccountCancelsItsCardSubscriptionAtStripeFirstAndRefusesWhenStripeCannot() throws Exception {
        SignedInUser admin = TestAccounts.admin(accounts, db, "admin@example.com");
        Checkout checkout = subscribe(alice, "pro", "weekly");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        activate(checkout, alice, start, start.plusSeconds(WEEK));
        String subscriptionId = checkout(checkout.requestKey()).subscriptionId();
        STRIPE.subscription(subscriptionId, CUSTOMER, PRO_WEEKLY, 49900, "week", start.getEpochSecond(),
                start.plusSeconds(WEEK).getEpochSecond());

        STRIPE.failNext();
        deleteAccount(admin).andExpect(status().isUnprocessableContent());
        assertThat(accounts.find(alice.id())).as("not deleted while Stripe may still charge it").isPresent();
        assertThat(plans.planOf(alice.id()).id()).isEqualTo("pro");

        deleteAccount(admin).andExpect(status().isSeeOther());
        assertThat(STRIPE.calls()).anySatisfy(call -> {
            assertThat(call.method()).isEqualTo("DELETE");
            assertThat(call.path()).isEqualTo("/v1/subscriptions/" + subscriptionId);
        });
        assertThat(plans.subscription(alice.id())).isEmpty();
    }

    private ResultActions deleteAccount(SignedInUser admin) throws Exception {
        return mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                .post("/admin/users/" + alice.id() + "/delete").with(csrf()).with(user(admin))
                .param("confirm", "alice@example.com").param("reason", "Deletion request"));
    }

    @Test
    void aFailedPaymentMailsTheUserThatThePlanRunsToThePaidPeriodsEndAndTellsTheAdmins() throws Exception {
        SignedInUser admin = TestAccounts.admin(accounts, db, "admin@example.com");
        Checkout checkout = subscribe(alice, "pro", "weekly");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant end = start.plusSeconds(WEEK);
        activate(checkout, alice, start, end);

        stripe.send(invoice("invoice_event", "invoice.payment_failed", "in_1TestFailed", metadata(checkout, alice, "pro", "weekly"),
                PRO_WEEKLY, 49900, end, end.plusSeconds(WEEK), "")).andExpect(content().string("handled\n"));

        List<String> toAlice = mails("alice@example.com");
        assertThat(toAlice).singleElement().asString()
                .contains("Your card payment for the Pro plan failed", "₹499.00", "T2I-in_1TestFailed",
                        "stays active until", "https://t2i.example.com/billing");
        assertThat(mails(admin.email())).singleElement().asString()
                .contains("Card payment failed: alice@example.com, Pro plan", "in_1TestFailed", SUB);
        assertThat(plans.planOf(alice.id()).id()).isEqualTo("pro");
        assertThat(available(alice)).isEqualTo(signup + 1500);
    }

    @Test
    void aFailedPaymentMailsTheUserAtTheFirstAndTheLastAttemptWithWhenStripeTriesAgainAndTheAdminsEachTime()
            throws Exception {
        SignedInUser admin = TestAccounts.admin(accounts, db, "admin@example.com");
        Checkout checkout = subscribe(alice, "pro", "weekly");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant end = start.plusSeconds(WEEK);
        activate(checkout, alice, start, end);
        String metadata = metadata(checkout, alice, "pro", "weekly");

        stripe.send(failedAttempt(metadata, end, 1, end.plus(Duration.ofDays(3)))).andExpect(status().isOk());
        stripe.send(failedAttempt(metadata, end, 2, end.plus(Duration.ofDays(5)))).andExpect(status().isOk());
        stripe.send(failedAttempt(metadata, end, 3, null)).andExpect(status().isOk());

        List<String> toAlice = mails("alice@example.com");
        assertThat(toAlice).hasSize(2);
        assertThat(toAlice.get(0)).contains("Stripe tries the card again on " + DAY.format(end.plus(Duration.ofDays(3))))
                .doesNotContain("will not try");
        assertThat(toAlice.get(1)).contains("Stripe will not try this card again for this invoice",
                "update your card and pay the invoice");
        List<String> toAdmin = mails(admin.email());
        assertThat(toAdmin).hasSize(3);
        assertThat(toAdmin.get(1)).contains("attempt 2", "Stripe tries again on " + DAY.format(end.plus(Duration.ofDays(5))),
                "the user was mailed at the first failure and will be at the last");
        assertThat(toAdmin.get(2)).contains("attempt 3", "Stripe will not try again for this invoice; the user was mailed.");
        assertThat(plans.planOf(alice.id()).id()).as("until the paid period ends").isEqualTo("pro");
    }

    /** A renewal's {@code invoice.payment_failed}: its attempt number and the next attempt (null: none). */
    private String failedAttempt(String metadata, Instant periodStart, int attempt, Instant next) {
        String event = invoice("invoice_event", "invoice.payment_failed", "in_1TestRenewalFailed", metadata, PRO_WEEKLY,
                49900, periodStart, periodStart.plusSeconds(WEEK), "");
        return event.replace("\"attempt_count\": 1,", "\"attempt_count\": " + attempt + ",")
                .replaceFirst("\"next_payment_attempt\": \\d+,",
                        "\"next_payment_attempt\": " + (next == null ? "null" : Long.toString(next.getEpochSecond())) + ",");
    }

    @Test
    void upgradesNowDowngradesAtThePeriodsEndCancelsResumesAndOpensThePortalThroughStripe() throws Exception {
        Checkout checkout = subscribe(alice, "pro", "weekly");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant end = start.plusSeconds(WEEK);
        activate(checkout, alice, start, end);
        STRIPE.reset();
        STRIPE.subscription(SUB, CUSTOMER, PRO_WEEKLY, 49900, "week", start.getEpochSecond(), end.getEpochSecond());

        clock.advance(Duration.ofDays(2));
        String upgradeKey = UUID.randomUUID().toString();
        post(alice, "/billing/stripe/change", "planId", "ultra", "period", "weekly", "requestKey", upgradeKey)
                .andExpect(status().isSeeOther()).andExpect(redirectedUrl("/billing"))
                .andExpect(flash().attribute("notice", org.hamcrest.Matchers.containsString("moving to the Ultra plan now")));
        StripeStandIn.Call update = updateCalls().getLast();
        assertThat(update.form()).containsEntry("items[0][id]", "si_1TestSubscription")
                .containsEntry("items[0][price_data][product]", "text2image-plan-ultra-weekly")
                .containsEntry("items[0][price_data][unit_amount]", "99900")
                .containsEntry("items[0][price_data][recurring][interval]", "week")
                .containsEntry("proration_behavior", "always_invoice")
                .containsEntry("billing_cycle_anchor", "now")
                .containsEntry("payment_behavior", "pending_if_incomplete");
        assertThat(plans.planOf(alice.id()).id()).as("the new plan comes with its paid invoice").isEqualTo("pro");

        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        String proration = """
                {"id": "il_1TestUnused", "object": "line_item", "amount": -35643, "currency": "inr",
                 "parent": {"type": "subscription_item_details", "subscription_item_details": {"proration": true,
                   "subscription": "%s", "subscription_item": "si_1TestItem"}},
                 "period": {"start": %d, "end": %d},
                 "pricing": {"type": "price_details", "price_details": {"price": "price_1Old", "product": "%s"}}},
                """.formatted(SUB, now.getEpochSecond(), end.getEpochSecond(), PRO_WEEKLY);
        stripe.send(invoice("invoice_event", "invoice.paid", "in_1TestUpgrade", metadata(checkout, alice, "pro", "weekly"),
                "text2image-plan-ultra-weekly", 99900, now, now.plusSeconds(WEEK), proration))
                .andExpect(content().string("handled\n"));
        assertThat(plans.planOf(alice.id()).id()).isEqualTo("ultra");
        assertThat(plans.subscription(alice.id()).orElseThrow().paidUntil()).isEqualTo(now.plusSeconds(WEEK));
        assertThat(available(alice)).as("the new plan's credits; the old week's stay until they expire")
                .isEqualTo(signup + 1500 + 4000);

        post(alice, "/billing/stripe/change", "planId", "ultra", "period", "weekly", "requestKey", upgradeKey)
                .andExpect(flash().attribute("notice", "This change was made already."));
        assertThat(updateCalls()).as("a replayed form changes nothing at Stripe").hasSize(1);

        String downgradeKey = UUID.randomUUID().toString();
        post(alice, "/billing/stripe/change", "planId", "starter", "period", "weekly", "requestKey", downgradeKey)
                .andExpect(status().isSeeOther())
                .andExpect(flash().attribute("notice", org.hamcrest.Matchers.containsString("changes to Starter")));
        assertThat(updateCalls().getLast().form()).containsEntry("items[0][price_data][product]", "text2image-plan-starter-weekly")
                .containsEntry("proration_behavior", "none").containsEntry("metadata[plan_id]", "starter")
                .doesNotContainKey("billing_cycle_anchor");
        Subscription scheduled = plans.subscription(alice.id()).orElseThrow();
        assertThat(plans.planOf(alice.id()).id()).isEqualTo("ultra");
        assertThat(scheduled.next().planId()).as("the Billing page shows the change at the period's end").isEqualTo("starter");

        post(alice, "/billing/stripe/change", "planId", "pro", "period", "yearly", "requestKey", UUID.randomUUID().toString())
                .andExpect(flash().attribute("error", org.hamcrest.Matchers.containsString("keeps your billing period")));

        post(alice, "/billing/stripe/cancel").andExpect(status().isSeeOther()).andExpect(redirectedUrl("/billing"))
                .andExpect(flash().attribute("notice", org.hamcrest.Matchers.containsString("will not renew")));
        assertThat(updateCalls().getLast().form()).containsEntry("cancel_at_period_end", "true");
        assertThat(plans.subscription(alice.id()).orElseThrow().cancelAtPeriodEnd()).isTrue();

        post(alice, "/billing/stripe/resume").andExpect(flash().attribute("notice", "Your plan renews again."));
        assertThat(updateCalls().getLast().form()).containsEntry("cancel_at_period_end", "false");
        assertThat(plans.subscription(alice.id()).orElseThrow().cancelAtPeriodEnd()).isFalse();

        post(alice, "/billing/stripe/portal").andExpect(status().isSeeOther())
                .andExpect(redirectedUrlPattern("https://billing.stripe.com/p/session/test_standIn*"));
        assertThat(STRIPE.calls().getLast().form()).containsEntry("customer", CUSTOMER)
                .containsEntry("return_url", "https://t2i.example.com/billing");
    }

    @Test
    void aDeclinedUpgradeOrAStripeFailureIsAClearErrorAndChangesNothing() throws Exception {
        Checkout checkout = subscribe(alice, "pro", "weekly");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant end = start.plusSeconds(WEEK);
        activate(checkout, alice, start, end);
        STRIPE.subscription(SUB, CUSTOMER, PRO_WEEKLY, 49900, "week", start.getEpochSecond(), end.getEpochSecond());
        Subscription before = plans.subscription(alice.id()).orElseThrow();

        STRIPE.declineNextUpgrade();
        post(alice, "/billing/stripe/change", "planId", "max", "period", "weekly", "requestKey", UUID.randomUUID().toString())
                .andExpect(status().isSeeOther())
                .andExpect(flash().attribute("error", org.hamcrest.Matchers.containsString("was not charged")));
        STRIPE.failNext();
        post(alice, "/billing/stripe/cancel").andExpect(flash().attribute("error",
                org.hamcrest.Matchers.containsString("Stripe could not cancel your plan; nothing changed")));
        STRIPE.failNext();
        post(alice, "/billing/stripe/portal").andExpect(redirectedUrl("/billing"))
                .andExpect(flash().attribute("error", org.hamcrest.Matchers.containsString("unavailable")));

        assertThat(plans.subscription(alice.id()).orElseThrow()).isEqualTo(before);
        assertThat(db.jdbc().sql("SELECT count(*) FROM stripe_subscription_change").query(Long.class).single()).isZero();

        SignedInUser bob = accounts.register("bob@example.com", "correct horse");
        STRIPE.failNext();
        String key = UUID.randomUUID().toString();
        post(bob, "/billing/stripe/checkout", "planId", "pro", "period", "weekly", "requestKey", key)
                .andExpect(redirectedUrl("/billing"))
                .andExpect(flash().attribute("error", org.hamcrest.Matchers.containsString("nothing was charged")));
        assertThat(checkout(key).state()).isEqualTo("FAILED");
        assertThat(plans.planOf(bob.id()).id()).isEqualTo("free");
    }

    @Test
    void aSecondCheckoutExpiresTheFirstAtStripeSoTwoTabsNeverMakeTwoSubscriptions() throws Exception {
        Checkout first = subscribe(alice, "pro", "weekly");
        Checkout second = subscribe(alice, "ultra", "weekly");

        assertThat(STRIPE.sessionStatus(first.sessionId())).isEqualTo("expired");
        assertThat(STRIPE.sessionStatus(second.sessionId())).isEqualTo("open");
        assertThat(checkout(first.requestKey()).state()).isEqualTo("EXPIRED");
        assertThat(checkout(second.requestKey()).state()).isEqualTo("OPEN");
        assertThat(STRIPE.calls()).extracting(StripeStandIn.Call::path)
                .containsSubsequence("/v1/checkout/sessions", "/v1/checkout/sessions/" + first.sessionId() + "/expire",
                        "/v1/checkout/sessions");
        post(alice, "/billing/stripe/checkout", "planId", "ultra", "period", "weekly", "requestKey", second.requestKey())
                .andExpect(redirectedUrl("https://checkout.stripe.com/c/pay/" + second.sessionId()));
        assertThat(STRIPE.sessionStatus(second.sessionId())).as("a replay of the same form expires nothing").isEqualTo("open");
        assertThat(sessionCalls()).hasSize(2);

        SignedInUser bob = accounts.register("bob@example.com", "correct horse");
        Checkout bobs = subscribe(bob, "pro", "weekly");
        assertThat(STRIPE.sessionStatus(bobs.sessionId())).isEqualTo("open");
        assertThat(STRIPE.sessionStatus(second.sessionId())).as("another user's checkout is left alone").isEqualTo("open");
    }

    @Test
    void aCheckoutAfterAnotherWasJustPaidIsRefusedAndAnEarlierOneStripeCannotExpireOpensNothing() throws Exception {
        Checkout paid = subscribe(alice, "pro", "weekly");
        STRIPE.completeSession(paid.sessionId());
        String key = UUID.randomUUID().toString();

        post(alice, "/billing/stripe/checkout", "planId", "ultra", "period", "weekly", "requestKey", key)
                .andExpect(redirectedUrl("/billing"))
                .andExpect(flash().attribute("error", org.hamcrest.Matchers.containsString("just paid for a plan")));
        assertThat(checkout(key).state()).isEqualTo("FAILED");
        assertThat(checkout(paid.requestKey()).state()).as("its events make it ACTIVE").isEqualTo("OPEN");
        assertThat(sessionCalls()).as("no second Session").hasSize(1);

        SignedInUser bob = accounts.register("bob@example.com", "correct horse");
        Checkout open = subscribe(bob, "pro", "weekly");
        STRIPE.failNext();
        String bobsKey = UUID.randomUUID().toString();
        post(bob, "/billing/stripe/checkout", "planId", "pro", "period", "yearly", "requestKey", bobsKey)
                .andExpect(redirectedUrl("/billing"))
                .andExpect(flash().attribute("error", org.hamcrest.Matchers.containsString("nothing was charged")));
        assertThat(checkout(bobsKey).state()).isEqualTo("FAILED");
        assertThat(checkout(open.requestKey()).state()).isEqualTo("OPEN");
        assertThat(STRIPE.sessionStatus(open.sessionId())).isEqualTo("open");
        assertThat(sessionCalls()).hasSize(2);
    }

    @Test
    void twoCheckoutFormsSentAtOnceLeaveOnePayableCheckout() throws Exception {
        List<Callable<Integer>> posts = new java.util.ArrayList<>();
        for (String plan : List.of("pro", "ultra")) {
            posts.add(() -> post(alice, "/billing/stripe/checkout", "planId", plan, "period", "weekly", "requestKey",
                    UUID.randomUUID().toString()).andReturn().getResponse().getStatus());
        }

        org.text2image.server.support.Races.race(posts);

        assertThat(db.jdbc().sql("SELECT count(*) FROM stripe_subscription_checkout WHERE user_id = ? AND state = 'OPEN'")
                .params(alice.id()).query(Long.class).single()).isEqualTo(1);
        assertThat(STRIPE.calls().stream().filter(call -> call.path().startsWith("/v1/checkout/sessions/cs_")).count()
                + 1).as("every Session but one was expired").isEqualTo(sessionCalls().size());
    }

    @Test
    void forgedOrMalformedFormsAreRefusedWithAnErrorAndWriteNothing() throws Exception {
        for (String[] form : List.of(
                new String[] {"planId", "platinum", "period", "weekly"},
                new String[] {"planId", "free", "period", "weekly"},
                new String[] {"planId", "pro", "period", "monthly"},
                new String[] {"planId", "pro"},
                new String[] {"period", "weekly"})) {
            String[] withKey = java.util.Arrays.copyOf(form, form.length + 2);
            withKey[form.length] = "requestKey";
            withKey[form.length + 1] = UUID.randomUUID().toString();
            post(alice, "/billing/stripe/checkout", withKey).andExpect(status().isSeeOther())
                    .andExpect(redirectedUrl("/billing")).andExpect(flash().attributeExists("error"));
            post(alice, "/billing/stripe/change", withKey).andExpect(status().isSeeOther())
                    .andExpect(flash().attributeExists("error"));
        }
        post(alice, "/billing/stripe/checkout", "planId", "pro", "period", "weekly", "requestKey", "not a key!")
                .andExpect(flash().attribute("error", org.hamcrest.Matchers.containsString("one-time key")));
        post(alice, "/billing/stripe/checkout", "planId", "pro", "period", "weekly")
                .andExpect(flash().attribute("error", org.hamcrest.Matchers.containsString("one-time key")));
        post(alice, "/billing/stripe/change", "planId", "ultra", "period", "weekly", "requestKey", UUID.randomUUID().toString())
                .andExpect(flash().attribute("error", org.hamcrest.Matchers.containsString("no plan paid by card")));
        post(alice, "/billing/stripe/cancel").andExpect(flash().attributeExists("error"));
        post(alice, "/billing/stripe/portal").andExpect(flash().attributeExists("error"));
        assertThat(STRIPE.calls()).isEmpty();
        assertThat(db.jdbc().sql("SELECT count(*) FROM stripe_subscription_checkout").query(Long.class).single()).isZero();

        Checkout hers = subscribe(alice, "pro", "weekly");
        SignedInUser bob = accounts.register("bob@example.com", "correct horse");
        post(bob, "/billing/stripe/checkout", "planId", "pro", "period", "weekly", "requestKey", hers.requestKey())
                .andExpect(redirectedUrl("/billing"))
                .andExpect(flash().attribute("error", org.hamcrest.Matchers.containsString("one-time key")));
        assertThat(sessionCalls()).as("another user's key opens nothing").hasSize(1);

        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        activate(hers, alice, start, start.plusSeconds(WEEK));
        post(alice, "/billing/stripe/checkout", "planId", "ultra", "period", "weekly", "requestKey", UUID.randomUUID().toString())
                .andExpect(flash().attribute("error", org.hamcrest.Matchers.containsString("change it here")));
        assertThat(sessionCalls()).hasSize(1);

        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post("/billing/stripe/checkout").with(user(alice)).param("planId", "pro").param("period", "weekly")
                .param("requestKey", UUID.randomUUID().toString())).andExpect(status().isForbidden());
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post("/billing/stripe/cancel").with(csrf())).andExpect(status().is3xxRedirection())
                .andExpect(redirectedUrl("/login"));
    }

    @Test
    void eventsThatAreUnsignedForgedOrAboutAnotherSubscriptionChangeNothing() throws Exception {
        Checkout checkout = subscribe(alice, "pro", "weekly");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant end = start.plusSeconds(WEEK);
        String good = invoice("invoice_event", "invoice.paid", "in_1TestForged", metadata(checkout, alice, "pro", "weekly"),
                PRO_WEEKLY, 49900, start, end, "");
        long now = clock.instant().getEpochSecond();

        stripe.send(good, "").andExpect(status().isBadRequest());
        stripe.send(good, StripeTestSupport.sign(good, "whsec_anotherSecret999", now)).andExpect(status().isBadRequest());
        stripe.send(good.replace("49900", "1"), StripeTestSupport.sign(good, StripeTestSupport.WEBHOOK_SECRET, now))
                .andExpect(status().isBadRequest());
        SignedInUser bob = accounts.register("bob@example.com", "correct horse");
        for (String forged : List.of(
                metadata(checkout, bob, "pro", "weekly"),
                "{\"checkout_id\": \"999999\", \"user_id\": \"" + alice.id() + "\"}",
                "{\"checkout_id\": \"x\", \"user_id\": \"" + alice.id() + "\"}")) {
            stripe.send(invoice("invoice_event", "invoice.paid", "in_1TestForged", forged, PRO_WEEKLY, 49900, start, end, ""))
                    .andExpect(status().isBadRequest());
        }
        stripe.send(invoice("invoice_event", "invoice.paid", "in_1TestForged", metadata(checkout, alice, "pro", "weekly"),
                "text2image-plan-free-weekly", 0, start, end, "")).andExpect(status().isBadRequest());
        stripe.send(invoice("invoice_event", "invoice.paid", "in_1TestForged", metadata(checkout, alice, "pro", "weekly"),
                PRO_WEEKLY, 49900, end, start, "")).andExpect(status().isBadRequest()); // an empty period
        stripe.send(completed(checkout, bob, "pro", "weekly")).andExpect(status().isBadRequest());

        stripe.send(invoice("invoice_event", "invoice.paid", "in_1Elsewhere", "{}", "prod_SomethingElse", 49900, start, end, "")
                .replace(SUB, "sub_1NotOurs")).andExpect(content().string("ignored\n"));
        stripe.send(subscriptionEvent("customer.subscription.deleted", "{}", "prod_SomethingElse", start, end, false, "null")
                .replace(SUB, "sub_1NotOurs")).andExpect(content().string("ignored\n"));

        assertThat(plans.subscription(alice.id())).isEmpty();
        assertThat(available(alice)).isEqualTo(signup);
        assertThat(checkout(checkout.requestKey()).state()).isEqualTo("OPEN");
        assertThat(db.jdbc().sql("SELECT count(*) FROM stripe_event WHERE type LIKE 'invoice.%'").query(Long.class).single())
                .as("only the ignored event is stored").isEqualTo(1);
    }

    // --- steps ---

    private ResultActions post(SignedInUser user, String path, String... params) throws Exception {
        var request = org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post(path).with(csrf()).with(user(user));
        for (int i = 0; i + 1 < params.length; i += 2) {
            request.param(params[i], params[i + 1]);
        }
        return mvc.perform(request);
    }

    private Checkout subscribe(SignedInUser user, String planId, String period) throws Exception {
        String key = UUID.randomUUID().toString();
        post(user, "/billing/stripe/checkout", "planId", planId, "period", period, "requestKey", key)
                .andExpect(status().isSeeOther());
        return checkout(key);
    }

    /** The checkout completes and its first week's invoice is paid. */
    private void activate(Checkout checkout, SignedInUser user, Instant start, Instant end) throws Exception {
        stripe.send(completed(checkout, user, "pro", "weekly")).andExpect(status().isOk());
        stripe.send(invoice("invoice_event", "invoice.paid", "in_1TestFirst", metadata(checkout, user, "pro", "weekly"),
                PRO_WEEKLY, 49900, start, end, "")).andExpect(content().string("handled\n"));
        assertThat(plans.planOf(user.id()).id()).isEqualTo("pro");
    }

    private Checkout checkout(String key) {
        return db.jdbc().sql("SELECT id, request_key, session_id, state, subscription_id FROM stripe_subscription_checkout "
                        + "WHERE request_key = ?").params(key)
                .query((rs, n) -> new Checkout(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                .single();
    }

    private static String metadata(Checkout checkout, SignedInUser user, String planId, String period) {
        return """
                {"billing_period": "%s", "checkout_id": "%d", "plan_id": "%s", "user_id": "%d"}"""
                .formatted(period, checkout.id(), planId, user.id());
    }

    private String completed(Checkout checkout, SignedInUser user, String planId, String period) {
        return stripe.event("subscription_checkout_event", Map.of("TYPE", "checkout.session.completed",
                "SESSION_ID", checkout.sessionId(), "AMOUNT", "49900", "CHECKOUT_ID", Long.toString(checkout.id()),
                "CUSTOMER", CUSTOMER, "INVOICE_ID", "in_1TestFirst", "SUBSCRIPTION_ID", SUB,
                "METADATA", metadata(checkout, user, planId, period)));
    }

    private String invoice(String fixture, String type, String invoiceId, String metadata, String product, long amount,
                           Instant start, Instant end, String extraLines) {
        boolean paid = type.equals("invoice.paid");
        Map<String, String> values = new HashMap<>(Map.of("TYPE", type, "INVOICE_ID", invoiceId, "METADATA", metadata,
                "PRODUCT", product, "AMOUNT", Long.toString(amount), "AMOUNT_PAID", paid ? Long.toString(amount) : "0",
                "AMOUNT_REMAINING", paid ? "0" : Long.toString(amount), "ATTEMPT", "1",
                "BILLING_REASON", "subscription_cycle", "STATUS", paid ? "paid" : "open"));
        values.putAll(Map.of("CUSTOMER", CUSTOMER, "SUBSCRIPTION_ID", SUB, "INTERVAL", product.endsWith("yearly") ? "year" : "week",
                "PERIOD_START", Long.toString(start.getEpochSecond()), "PERIOD_END", Long.toString(end.getEpochSecond()),
                "EXTRA_LINES", extraLines));
        // a failed payment is retried three days after the period's start, unless a test says otherwise
        values.put("NEXT_ATTEMPT", paid ? "null" : Long.toString(start.getEpochSecond() + 3 * 86_400));
        return stripe.event(fixture, values);
    }

    private String subscriptionEvent(String type, String metadata, String product, Instant start, Instant end,
                                     boolean cancelAtPeriodEnd, String endedAt) {
        Map<String, String> values = new HashMap<>(Map.of("TYPE", type, "SUBSCRIPTION_ID", SUB, "CUSTOMER", CUSTOMER,
                "METADATA", metadata, "PRODUCT", product, "AMOUNT", "49900", "INTERVAL", "week",
                "PERIOD_START", Long.toString(start.getEpochSecond()), "PERIOD_END", Long.toString(end.getEpochSecond()),
                "CANCEL_AT_PERIOD_END", Boolean.toString(cancelAtPeriodEnd)));
        values.putAll(Map.of("CANCEL_AT", "null", "CANCELED_AT", "null", "ENDED_AT", endedAt,
                "STATUS", type.endsWith("deleted") ? "canceled" : "active"));
        return stripe.event("subscription_event", values);
    }

    private List<StripeStandIn.Call> sessionCalls() {
        return STRIPE.calls().stream().filter(call -> call.path().equals("/v1/checkout/sessions")).toList();
    }

    private List<StripeStandIn.Call> updateCalls() {
        return STRIPE.calls().stream()
                .filter(call -> call.method().equals("POST") && call.path().equals("/v1/subscriptions/" + SUB)).toList();
    }

    private List<String> mails(String recipient) {
        return db.jdbc().sql("SELECT subject || ' | ' || body || ' | ' || html_body FROM mail_outbox WHERE recipient = ? ORDER BY id")
                .params(recipient).query(String.class).list();
    }

    private long available(SignedInUser user) {
        return statements.balance(user.id()).availableCredits();
    }
}
