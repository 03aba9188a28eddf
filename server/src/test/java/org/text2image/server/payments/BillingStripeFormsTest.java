package org.text2image.server.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.PlanTerms;
import org.text2image.server.plans.Plans;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/**
 * With Stripe configured the Billing page offers a card beside UPI, as plain forms posting (with
 * the CSRF token) to the Stripe billing endpoints: checkout for a user without a card subscription;
 * change, cancel or resume, and the customer portal for a user whose plan Stripe bills. UPI is not
 * offered for a plan Stripe bills.
 */
@PageTest
@TestPropertySource(properties = {
        "text2image.payments.stripe.secret-key=sk_test_standInKey123",
        "text2image.payments.stripe.webhook-secret=" + StripeTestSupport.WEBHOOK_SECRET
})
class BillingStripeFormsTest {

    private static final Pattern UUID_VALUE = Pattern.compile(
            "name=\"requestKey\" value=\"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\"");

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired PlanTerms terms;
    @Autowired Plans plans;
    @Autowired Clock clock;
    @Autowired LedgerInvariants invariants;
    @Autowired TestDatabase db;

    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse");
    }

    @AfterEach
    void booksStayBalanced() {
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void aUserWithoutACardSubscriptionIsOfferedCheckoutBesideUpi() throws Exception {
        String html = page("/billing?plan=pro&period=yearly");

        String card = form(html, "pay-plan-card");
        assertThat(Html.attributeOf(html, "pay-plan-card", "action")).isEqualTo("/billing/stripe/checkout");
        assertThat(Html.attributeOf(html, "pay-plan-card", "method")).isEqualTo("post");
        assertThat(card).contains("name=\"planId\" value=\"pro\"", "name=\"period\" value=\"yearly\"", "name=\"_csrf\"");
        assertThat(UUID_VALUE.matcher(card).find()).as("a fresh one-time key").isTrue();
        assertThat(Html.tagOf(html, "pay-plan-upi")).isNotNull();
        assertThat(Html.tagOf(html, "stripe-controls")).isNull();
    }

    @Test
    void aPlanStripeBillsHasChangeCancelAndPortalFormsAndNoUpi() throws Exception {
        Instant start = clock.instant();
        terms.stripePeriodPaid(alice.id(), plans.find("pro").orElseThrow(), BillingPeriod.WEEKLY, "sub_test_billing",
                start, start.plus(Duration.ofDays(7)), "in_test_billing");

        String html = page("/billing?plan=ultra&period=weekly");

        assertThat(Html.textOf(html, "billing-source")).isEqualTo("Card (Stripe)");
        assertThat(Html.textOf(html, "billing-next-grant")).contains("1500 credits once it is paid");
        assertThat(Html.attributeOf(html, "change-plan-card", "action")).isEqualTo("/billing/stripe/change");
        assertThat(form(html, "change-plan-card")).contains("name=\"planId\" value=\"ultra\"", "name=\"period\" value=\"weekly\"",
                "name=\"_csrf\"", "name=\"requestKey\"");
        assertThat(Html.tagOf(html, "pay-plan-card")).isNull();
        assertThat(Html.tagOf(html, "pay-plan-upi")).isNull();
        assertThat(Html.textOf(html, "offer-upi-unavailable")).contains("billed to your card");
        assertThat(Html.attributeOf(html, "stripe-cancel", "action")).isEqualTo("/billing/stripe/cancel");
        assertThat(form(html, "stripe-cancel")).contains("name=\"_csrf\"");
        assertThat(Html.attributeOf(html, "stripe-portal", "action")).isEqualTo("/billing/stripe/portal");
        assertThat(Html.tagOf(html, "stripe-resume")).isNull();

        terms.stripeUpdated("sub_test_billing", true, null, null);
        String cancelling = page("/billing");

        assertThat(Html.attributeOf(cancelling, "stripe-resume", "action")).isEqualTo("/billing/stripe/resume");
        assertThat(Html.tagOf(cancelling, "stripe-cancel")).isNull();
        assertThat(Html.textOf(cancelling, "billing-cancelling")).contains("does not renew");
        assertThat(Html.textOf(cancelling, "billing-next-grant")).contains("None");
    }

    private String page(String path) throws Exception {
        return mvc.perform(get(path).with(user(alice))).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
    }

    /** The form with this id, from its opening tag to its end. */
    private static String form(String html, String id) {
        Matcher m = Pattern.compile("(?s)<form\\b[^>]*\\bid=\"" + Pattern.quote(id) + "\"[^>]*>.*?</form>").matcher(html);
        assertThat(m.find()).as("form " + id).isTrue();
        return m.group();
    }
}
