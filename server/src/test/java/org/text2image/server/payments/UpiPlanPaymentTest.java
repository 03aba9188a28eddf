package org.text2image.server.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditLot;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.credits.LotSource;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.PlanTerms;
import org.text2image.server.plans.Plans;
import org.text2image.server.plans.Subscription;
import org.text2image.server.plans.SubscriptionSource;
import org.text2image.server.plans.UserPlans;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.Races;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/**
 * Paying for a plan by UPI, from the Billing page to the admin's approval: the request records the
 * plan, the period and the plan's price; the approval puts the user on the plan for the paid week
 * and grants the week's credits once (ledger key {@code plan:<user>:<period start>}, expiring at the
 * week's end); a replayed approval changes nothing; a rejection leaves the user on the free plan.
 * Forged and wrong forms are refused and write nothing. The books balance after every test.
 */
@PageTest
class UpiPlanPaymentTest {

    private static final String UTR = "512345678901";

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;
    @Autowired LedgerInvariants invariants;
    @Autowired PaymentRows payments;
    @Autowired UserPlans userPlans;
    @Autowired PlanTerms terms;
    @Autowired Plans plans;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;

    UpiTestSupport upi;
    SignedInUser admin;
    SignedInUser alice;
    SignedInUser bob;

    @BeforeEach
    void setUp() {
        db.clean();
        clock.reset();
        clock.freeze();
        clock.advance(Duration.ofNanos(-clock.instant().getNano())); // whole seconds, as stored and as keyed
        upi = new UpiTestSupport(mvc);
        admin = TestAccounts.admin(accounts, db, "admin@example.com");
        alice = accounts.register("alice@example.com", "correct horse");
        bob = accounts.register("bob@example.com", "correct horse");
    }

    @AfterEach
    void booksStayBalanced() {
        clock.reset();
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void anApprovedUpiPaymentPutsTheUserOnThePlanForTheWeekAndGrantsItsCreditsOnce() throws Exception {
        String billing = upi.page(alice, "/billing?plan=pro&period=weekly");
        assertThat(Html.textOf(billing, "offer-price")).isEqualTo("₹499.00 a week");
        assertThat(Html.attributeOf(billing, "pay-plan-upi", "action")).isEqualTo("/billing/upi");

        String reference = requestPro(alice);
        Payment request = payments.findByReference(reference).orElseThrow();
        assertThat(request.planId()).isEqualTo("pro");
        assertThat(request.billingPeriod()).isEqualTo(BillingPeriod.WEEKLY);
        assertThat(request.packId()).isNull();
        assertThat(request.amountMinor()).isEqualTo(49_900);
        assertThat(request.currency()).isEqualTo("INR");
        assertThat(request.credits()).as("the week's credits, shown").isEqualTo(1_500);
        String page = upi.page(alice, "/payments/" + reference);
        assertThat(Html.textOf(page, "payment-pack")).isEqualTo("Pro plan, 1 week");
        assertThat(Html.textOf(page, "upi-amount")).isEqualTo("₹499.00");
        assertThat(Html.attributeOf(page, "upi-link", "href")).contains("am=499.00", "tr=" + reference,
                "tn=Pro%20plan%2C%201%20week%20" + reference);

        upi.submitUtr(alice, reference, UTR).andExpect(status().isSeeOther());
        assertThat(Html.textOf(upi.page(admin, "/admin/payments"), "queue")).contains("Pro plan, 1 week", "₹499.00", UTR);
        assertThat(Html.textOf(upi.page(alice, "/payments"), "payment-" + reference)).contains("Pro plan, 1 week");
        assertThat(userPlans.planOf(alice.id()).id()).as("nothing changes before the approval").isEqualTo("free");

        Instant approvedAt = clock.instant();
        MvcResult approval = upi.approve(admin, request.id()).andExpect(status().isSeeOther()).andReturn();

        assertThat((String) approval.getFlashMap().get("notice")).contains("Approved " + reference, "Pro plan, 1 week");
        assertThat(userPlans.planOf(alice.id()).id()).isEqualTo("pro");
        Subscription term = userPlans.subscription(alice.id()).orElseThrow();
        assertThat(term.source()).isEqualTo(SubscriptionSource.UPI);
        assertThat(term.period()).isEqualTo(BillingPeriod.WEEKLY);
        assertThat(term.paidUntil()).isEqualTo(approvedAt.plus(Duration.ofDays(7)));
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20 + 1_500, 0));
        CreditLot lot = statements.lots(alice.id()).stream().filter(l -> l.source() == LotSource.PLAN).findFirst().orElseThrow();
        assertThat(lot.grantedCredits()).isEqualTo(1_500);
        assertThat(lot.expiresAt()).as("no rollover: the week's credits expire at its end").isEqualTo(term.paidUntil());
        assertThat(statements.entries(alice.id(), 1).getFirst().idempotencyKey())
                .isEqualTo("plan:" + alice.id() + ":" + approvedAt);
        assertThat(payments.findByReference(reference).orElseThrow().state()).isEqualTo(PaymentState.APPROVED);
        assertThat(auditActions()).containsExactly("PAYMENT_APPROVED");
        assertThat(outboxSubjects()).contains("Plan confirmed: your payment " + reference + " is approved");
        assertThat(lastMailText()).contains("for the Pro plan, 1 week is approved", "You are on the Pro plan now",
                "This week's 1500 credits were added", "You now have 1520 credits available.");
        assertThat(Html.textOf(upi.page(admin, "/admin/payments?state=SOLD"), "listed-payments"))
                .contains(reference, "1500 (plan pro, 1 week)", "₹499.00");
        assertThat(Html.textOf(upi.page(alice, "/payments/" + reference), "payment-plan-approved")).contains("plan is updated");
        assertThat(Html.textOf(upi.page(alice, "/billing"), "billing-plan")).isEqualTo("Pro");

        MvcResult replay = upi.approve(admin, request.id()).andExpect(status().isSeeOther()).andReturn();

        assertThat((String) replay.getFlashMap().get("notice")).contains("nothing changed");
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20 + 1_500, 0));
        assertThat(userPlans.subscription(alice.id()).orElseThrow()).isEqualTo(term);
        assertThat(auditActions()).containsExactly("PAYMENT_APPROVED");

        clock.advance(Duration.ofDays(7));
        assertThat(userPlans.planOf(alice.id()).id()).as("one paid week, then the free plan").isEqualTo("free");
    }

    @Test
    void aRejectedPlanPaymentLeavesTheUserOnTheFreePlan() throws Exception {
        String reference = requestPro(alice);
        upi.submitUtr(alice, reference, UTR).andExpect(status().isSeeOther());
        long id = payments.findByReference(reference).orElseThrow().id();

        upi.reject(admin, id, "No payment with this UTR reached our account").andExpect(status().isSeeOther());
        upi.approve(admin, id).andExpect(status().isSeeOther());

        assertThat(payments.findByReference(reference).orElseThrow().state()).isEqualTo(PaymentState.REJECTED);
        assertThat(userPlans.planOf(alice.id()).id()).isEqualTo("free");
        assertThat(userPlans.subscription(alice.id())).isEmpty();
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20, 0));
        assertThat(Html.textOf(upi.page(alice, "/payments/" + reference), "payment-rejected")).contains("Your plan did not change");
    }

    @Test
    void aCheaperPlanPaidDuringAPaidTermStartsWhenTheTermEnds() throws Exception {
        terms.apply(alice.id(), plans.find("pro").orElseThrow(), BillingPeriod.WEEKLY, SubscriptionSource.UPI, 1);
        Instant proEnds = userPlans.subscription(alice.id()).orElseThrow().paidUntil();
        assertThat(Html.textOf(upi.page(alice, "/billing?plan=starter&period=weekly"), "offer-what"))
                .contains("starts when your paid period ends");

        String reference = request(alice, "starter", "weekly", "19900", "INR", UUID.randomUUID().toString())
                .andExpect(status().isSeeOther()).andReturn().getResponse().getRedirectedUrl().substring("/payments/".length());
        upi.submitUtr(alice, reference, UTR);
        upi.approve(admin, payments.findByReference(reference).orElseThrow().id()).andExpect(status().isSeeOther());

        assertThat(userPlans.planOf(alice.id()).id()).isEqualTo("pro");
        Subscription.NextTerm next = userPlans.subscription(alice.id()).orElseThrow().next();
        assertThat(next.planId()).isEqualTo("starter");
        assertThat(next.paidUntil()).isEqualTo(proEnds.plus(Duration.ofDays(7)));
        assertThat(statements.balance(alice.id())).as("no Starter credits before its week").isEqualTo(new Balance(20 + 1_500, 0));
        assertThat(Html.textOf(upi.page(alice, "/billing"), "billing-next-term")).contains("Starter");
    }

    @Test
    void theSameFormSentTwiceOpensOneRequest() throws Exception {
        String key = UUID.randomUUID().toString();
        String first = request(alice, "pro", "weekly", "49900", "INR", key).andExpect(status().isSeeOther())
                .andReturn().getResponse().getRedirectedUrl();
        String second = request(alice, "pro", "weekly", "49900", "INR", key).andExpect(status().isSeeOther())
                .andReturn().getResponse().getRedirectedUrl();

        assertThat(second).isEqualTo(first);
        assertThat(paymentCount()).isEqualTo(1);
        request(bob, "pro", "weekly", "49900", "INR", key).andExpect(status().isUnprocessableContent());
        assertThat(paymentCount()).as("a key another user's request used opens nothing").isEqualTo(1);
    }

    @Test
    void wrongAndForgedFormsAreRefusedAndWriteNothing() throws Exception {
        assertRefused(request(alice, "nope", "weekly", "49900", "INR", key()), "There is no plan \"nope\"");
        assertRefused(request(alice, "free", "weekly", "0", "INR", key()), "everyone's default");
        assertRefused(request(alice, "pro", "monthly", "49900", "INR", key()), "weekly or yearly, not \"monthly\"");
        assertRefused(request(alice, "pro", "weekly", "100", "INR", key()),
                "The price sent is not the price of the Pro plan for a week, which is ₹499.00");
        assertRefused(request(alice, "pro", "yearly", "49900", "INR", key()), "for a year, which is ₹19,999.00");
        assertRefused(request(alice, "pro", "weekly", "49900", "USD", key()), "The price sent is not the price");
        assertRefused(request(alice, "pro", "weekly", "49900", "INR", "not a key!"), "no valid one-time key");
        assertThat(paymentCount()).isZero();
        assertThat(userPlans.subscription(alice.id())).isEmpty();
    }

    @Test
    void anotherUsersPlanPaymentDoesNotExistForThem() throws Exception {
        String reference = requestPro(alice);

        mvc.perform(get("/payments/" + reference).with(user(bob))).andExpect(status().isNotFound());
        upi.submitUtr(bob, reference, UTR).andExpect(status().isNotFound());

        assertThat(payments.findByReference(reference).orElseThrow().state()).isEqualTo(PaymentState.AWAITING_UTR);
    }

    @Test
    void aUtrUsedBeforeIsRefusedForAPlanPayment() throws Exception {
        String pack = upi.openCreator(bob);
        upi.submitUtr(bob, pack, UTR).andExpect(status().isSeeOther());
        String reference = requestPro(alice);

        upi.submitUtr(alice, reference, UTR).andExpect(status().isUnprocessableContent());

        assertThat(payments.findByReference(reference).orElseThrow().state()).isEqualTo(PaymentState.AWAITING_UTR);
    }

    @Test
    void aSecondPlanRequestWaitsForTheFirstAndAStripeTermIsNotPaidByUpi() throws Exception {
        String first = requestPro(alice);
        assertRefused(request(alice, "ultra", "weekly", "99900", "INR", key()), "plan payment open (" + first + ")");
        assertThat(Html.textOf(upi.page(alice, "/billing?plan=ultra&period=weekly"), "offer-upi-open")).contains(first);

        terms.stripePeriodPaid(bob.id(), plans.find("pro").orElseThrow(), BillingPeriod.WEEKLY, "sub_test_1",
                clock.instant(), clock.instant().plus(Duration.ofDays(7)), "in_test_1");
        assertRefused(request(bob, "ultra", "weekly", "99900", "INR", key()), "billed to your card");
        assertThat(Html.textOf(upi.page(bob, "/billing?plan=ultra&period=weekly"), "offer-upi-unavailable"))
                .contains("billed to your card");
        assertThat(paymentCount()).isEqualTo(1);
    }

    @Test
    void twoAdminsApprovingAPlanPaymentAtOnceApplyThePlanOnce() throws Exception {
        SignedInUser second = TestAccounts.admin(accounts, db, "second-admin@example.com");
        String reference = requestPro(alice);
        upi.submitUtr(alice, reference, UTR).andExpect(status().isSeeOther());
        long id = payments.findByReference(reference).orElseThrow().id();

        List<MvcResult> decisions = Races.race(List.of(() -> upi.approve(admin, id).andReturn(),
                () -> upi.approve(second, id).andReturn(), () -> upi.approve(admin, id).andReturn()));

        assertThat(decisions).extracting(d -> d.getResponse().getStatus()).containsOnly(303);
        assertThat(decisions).extracting(d -> (String) d.getFlashMap().get("notice")).filteredOn(n -> n.startsWith("Approved"))
                .hasSize(1);
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20 + 1_500, 0));
        assertThat(userPlans.subscription(alice.id()).orElseThrow().paidUntil()).as("one week, not three")
                .isEqualTo(clock.instant().plus(Duration.ofDays(7)));
        assertThat(auditActions()).containsExactly("PAYMENT_APPROVED");
    }

    @Test
    void aPlanThatLeftThePlansFileIsNotApprovedAndNothingChanges() throws Exception {
        String reference = requestPro(alice);
        upi.submitUtr(alice, reference, UTR).andExpect(status().isSeeOther());
        long id = payments.findByReference(reference).orElseThrow().id();
        db.jdbc().sql("UPDATE payment SET plan_id = 'gone' WHERE id = ?").params(id).update();

        MvcResult approval = upi.approve(admin, id).andExpect(status().isSeeOther()).andReturn();

        assertThat((String) approval.getFlashMap().get("alert")).contains("\"gone\"", "no longer a paid plan", reference);
        assertThat(payments.findByReference(reference).orElseThrow().state()).isEqualTo(PaymentState.PENDING_REVIEW);
        assertThat(userPlans.subscription(alice.id())).isEmpty();
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20, 0));
        assertThat(auditActions()).isEmpty();
    }

    private String lastMailText() {
        return db.jdbc().sql("SELECT body FROM mail_outbox ORDER BY id DESC LIMIT 1").query(String.class).single();
    }

    private String requestPro(SignedInUser who) throws Exception {
        String location = request(who, "pro", "weekly", "49900", "INR", key()).andExpect(status().isSeeOther())
                .andReturn().getResponse().getRedirectedUrl();
        assertThat(location).matches("/payments/[A-Z0-9]{10}");
        return location.substring("/payments/".length());
    }

    private ResultActions request(SignedInUser who, String plan, String period, String amount, String currency, String key)
            throws Exception {
        return mvc.perform(post("/billing/upi").with(csrf()).with(user(who)).param("planId", plan).param("period", period)
                .param("amountMinor", amount).param("currency", currency).param("requestKey", key));
    }

    private void assertRefused(ResultActions result, String message) throws Exception {
        String html = result.andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        assertThat(Html.text(html)).contains(message);
    }

    private static String key() {
        return UUID.randomUUID().toString();
    }

    private long paymentCount() {
        return db.jdbc().sql("SELECT count(*) FROM payment WHERE plan_id IS NOT NULL").query(Long.class).single();
    }

    private List<String> auditActions() {
        return db.jdbc().sql("SELECT action FROM admin_audit ORDER BY id").query(String.class).list();
    }

    private List<String> outboxSubjects() {
        return db.jdbc().sql("SELECT subject FROM mail_outbox ORDER BY id").query(String.class).list();
    }
}
