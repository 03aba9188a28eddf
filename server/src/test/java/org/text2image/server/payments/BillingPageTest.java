package org.text2image.server.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.FlashMap;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.PlanTerms;
import org.text2image.server.plans.Plans;
import org.text2image.server.plans.SubscriptionSource;
import org.text2image.server.plans.UserPlans;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageFormats;
import org.text2image.server.web.PageTest;

/**
 * The Billing page tells a user their plan as it is: the free plan, a term paid by UPI, a term an
 * admin gave, a change scheduled for the end of the paid period, and the periods granted. With a
 * plan and period from the Pricing page it says the price and what paying does (start, upgrade now,
 * or start at the end of the paid period) and offers UPI; a wrong plan or period in the address is
 * said on the page. Without Stripe keys there is no card form.
 */
@PageTest
class BillingPageTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired PlanTerms terms;
    @Autowired Plans plans;
    @Autowired UserPlans userPlans;
    @Autowired PageFormats formats;
    @Autowired MutableClock clock;
    @Autowired LedgerInvariants invariants;
    @Autowired TestDatabase db;

    SignedInUser admin;
    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        clock.reset();
        admin = TestAccounts.admin(accounts, db, "admin@example.com");
        alice = accounts.register("alice@example.com", "correct horse");
    }

    @AfterEach
    void booksStayBalanced() {
        clock.reset();
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void aFreeUserIsToldTheyHaveNoPaidPlanAndWhereToChooseOne() throws Exception {
        String html = page("/billing");

        assertThat(Html.textOf(html, "billing-plan")).isEqualTo("Free");
        assertThat(Html.text(html)).contains("You have no paid plan", "No plan credits yet");
        assertThat(Html.tagOf(html, "billing-facts")).isNull();
        assertThat(Html.tagOf(html, "offer")).as("no plan chosen, nothing to pay").isNull();
        assertThat(Html.attributeOf(html, "nav-billing", "aria-current")).isEqualTo("page");
    }

    @Test
    void aTermPaidByUpiShowsItsPeriodPaidUntilAndNextCredits() throws Exception {
        terms.apply(alice.id(), plans.find("pro").orElseThrow(), BillingPeriod.WEEKLY, SubscriptionSource.UPI, 2);
        var term = userPlans.subscription(alice.id()).orElseThrow();

        String html = page("/billing");

        assertThat(Html.textOf(html, "billing-plan")).isEqualTo("Pro");
        assertThat(Html.textOf(html, "billing-period")).isEqualTo("Weekly");
        assertThat(Html.textOf(html, "billing-source")).isEqualTo("UPI");
        assertThat(Html.textOf(html, "billing-paid-until")).isEqualTo(formats.dateTime(term.paidUntil()));
        assertThat(Html.textOf(html, "billing-next-grant")).isEqualTo(formats.dateTime(term.nextGrantAt()) + ": 1500 credits");
        assertThat(Html.textOf(html, "periods")).contains("Pro, weekly", "1500 credits");
        assertThat(Html.tagOf(html, "stripe-controls")).isNull();
    }

    @Test
    void aTermAnAdminGaveSaysSo() throws Exception {
        terms.assign(admin.id(), alice.id(), plans.find("ultra").orElseThrow(), BillingPeriod.YEARLY, 1, "Team plan");

        String html = page("/billing");

        assertThat(Html.textOf(html, "billing-plan")).isEqualTo("Ultra");
        assertThat(Html.textOf(html, "billing-period")).isEqualTo("Yearly");
        assertThat(Html.textOf(html, "billing-source")).isEqualTo("Given by an admin");
        assertThat(Html.textOf(html, "billing-next-grant")).contains("None");
        assertThat(Html.textOf(html, "periods")).contains("Ultra, yearly", "208000 credits");
    }

    @Test
    void aScheduledChangeIsShownWithTheDayItStarts() throws Exception {
        terms.apply(alice.id(), plans.find("pro").orElseThrow(), BillingPeriod.WEEKLY, SubscriptionSource.UPI, 1);
        terms.apply(alice.id(), plans.find("starter").orElseThrow(), BillingPeriod.WEEKLY, SubscriptionSource.UPI, 1);
        var term = userPlans.subscription(alice.id()).orElseThrow();

        String html = page("/billing");

        assertThat(Html.textOf(html, "billing-plan")).isEqualTo("Pro");
        assertThat(Html.textOf(html, "billing-next-term")).contains("from " + formats.dateTime(term.paidUntil()),
                "Starter plan, weekly");
    }

    @Test
    void afterThePaidTermTheUserIsBackOnTheFreePlan() throws Exception {
        terms.apply(alice.id(), plans.find("pro").orElseThrow(), BillingPeriod.WEEKLY, SubscriptionSource.UPI, 1);
        clock.advance(Duration.ofDays(8));

        String html = page("/billing");

        assertThat(Html.textOf(html, "billing-plan")).isEqualTo("Free");
        assertThat(Html.textOf(html, "billing-free")).contains("your Pro plan ended on");
    }

    @Test
    void aChosenPlanShowsItsPriceWhatPayingDoesAndTheUpiForm() throws Exception {
        String html = page("/billing?plan=pro&period=weekly");

        assertThat(Html.textOf(html, "offer-heading")).isEqualTo("Pay for Pro");
        assertThat(Html.textOf(html, "offer-price")).isEqualTo("₹499.00 a week");
        assertThat(Html.textOf(html, "offer-what")).contains("starts as soon as your payment is confirmed", "1500 credits");
        assertThat(Html.attributeOf(html, "pay-plan-upi", "action")).isEqualTo("/billing/upi");
        assertThat(html).contains("name=\"planId\" value=\"pro\"", "name=\"period\" value=\"weekly\"",
                "name=\"amountMinor\" value=\"49900\"", "name=\"currency\" value=\"INR\"", "name=\"_csrf\"");
        assertThat(Html.tagOf(html, "pay-plan-card")).as("Stripe is not configured").isNull();

        assertThat(Html.textOf(page("/billing?plan=max&period=yearly"), "offer-price")).isEqualTo("₹79,999.00 a year");
    }

    @Test
    void anUpgradeStartsNowAndADowngradeAtTheEndOfThePaidPeriod() throws Exception {
        terms.apply(alice.id(), plans.find("pro").orElseThrow(), BillingPeriod.WEEKLY, SubscriptionSource.UPI, 1);

        assertThat(Html.textOf(page("/billing?plan=ultra&period=weekly"), "offer-what"))
                .contains("An upgrade", "replaces your Pro plan as soon as your payment is confirmed", "4000 credits");
        assertThat(Html.textOf(page("/billing?plan=starter&period=weekly"), "offer-what"))
                .contains("starts when your paid period ends");
        assertThat(Html.textOf(page("/billing?plan=pro&period=weekly"), "offer-what")).contains("extended by one week");
    }

    @Test
    void aWrongPlanOrPeriodInTheAddressIsSaidOnThePage() throws Exception {
        assertThat(Html.textOf(page("/billing?plan=gold&period=weekly"), "offer-problem"))
                .contains("There is no plan \"gold\"");
        assertThat(Html.textOf(page("/billing?plan=free&period=weekly"), "offer-problem")).contains("everyone's default");
        assertThat(Html.textOf(page("/billing?plan=pro&period=monthly"), "offer-problem"))
                .contains("weekly or yearly, not \"monthly\"");
        assertThat(Html.textOf(page("/billing?plan=pro"), "offer-problem")).contains("weekly or yearly");
    }

    @Test
    void showsTheErrorsTheBillingActionsSend() throws Exception {
        FlashMap flash = new FlashMap(); // as a redirect from the billing actions leaves it
        flash.put("error", "Stripe could not be reached");
        flash.put("notice", "Your plan will be cancelled");
        String html = mvc.perform(get("/billing").with(user(alice)).requestAttr(DispatcherServlet.INPUT_FLASH_MAP_ATTRIBUTE, flash))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "billing-error")).isEqualTo("Stripe could not be reached");
        assertThat(Html.textOf(html, "notice")).isEqualTo("Your plan will be cancelled");
    }

    @Test
    void theBillingPageNeedsASignIn() throws Exception {
        mvc.perform(get("/billing")).andExpect(status().is3xxRedirection());
    }

    private String page(String path) throws Exception {
        return mvc.perform(get(path).with(user(alice))).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
    }
}
