package org.text2image.server.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.PlanTerms;
import org.text2image.server.plans.Plans;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/**
 * The public Pricing page shows the plans of the (test) plans file side by side, weekly or yearly
 * by two plain links, marks a signed-in user's plan, and links each paid plan to the Billing page
 * for the period shown. The header links to it for everyone and to Billing for signed-in users.
 */
@PageTest
class PricingPageTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired PlanTerms terms;
    @Autowired Plans plans;
    @Autowired TestDatabase db;

    SignedInUser admin;
    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        admin = TestAccounts.admin(accounts, db, "admin@example.com");
        alice = accounts.register("alice@example.com", "correct horse");
    }

    @Test
    void anyoneSeesThePlansSideBySideWithWeeklyPricesAndChooseLinks() throws Exception {
        // The test plans file's free plan is open (src/test/resources/config/plans.json), the others as shipped.
        String html = page(get("/pricing"));

        assertThat(Html.textOf(html, "price-free")).isEqualTo("Free");
        assertThat(Html.textOf(html, "price-starter")).isEqualTo("₹199.00 a week");
        assertThat(Html.textOf(html, "price-max")).isEqualTo("₹1,999.00 a week");
        assertThat(Html.textOf(html, "pricing-credits"))
                .isEqualTo("Credits None 500 credits a week 1500 credits a week 4000 credits a week 10000 credits a week");
        assertThat(Html.textOf(html, "pricing-batch")).isEqualTo("Images per request Unlimited 4 8 16 Unlimited");
        assertThat(Html.textOf(html, "pricing-priority")).isEqualTo("Queue priority Standard Standard Priority Priority Fastest");
        assertThat(Html.textOf(html, "pricing-parameters")).isEqualTo("Parameters Full Advanced Full Full Full");
        assertThat(Html.textOf(html, "pricing-model-sd15"))
                .isEqualTo("Stable Diffusion 1.5 Full Full Full Full Full");
        assertThat(Html.textOf(html, "pricing-model-sdxl")).isEqualTo("SDXL Full 1 image a week Full Full Full");
        assertThat(Html.textOf(html, "pricing-lora")).isEqualTo("LoRA trainings None None 1 a week 3 a week 10 a week");
        assertThat(Html.attributeOf(html, "choose-pro", "href")).isEqualTo("/billing?plan=pro&period=weekly");
        assertThat(Html.tagOf(html, "choose-free")).as("the free plan is nobody's purchase").isNull();
        assertThat(Html.attributeOf(html, "period-weekly", "aria-current")).isEqualTo("page");
        assertThat(Html.attributeOf(html, "period-yearly", "aria-current")).isNull();
        assertThat(Html.attributeOf(html, "period-yearly", "href")).isEqualTo("/pricing?period=yearly");
        assertThat(Html.tagOf(html, "your-plan")).as("nobody is signed in").isNull();
        assertThat(Html.attributeOf(html, "nav-pricing", "aria-current")).isEqualTo("page");
        assertThat(Html.tagOf(html, "nav-billing")).isNull();
    }

    @Test
    void theYearlySwitchShowsYearlyPricesAndLinksToYearlyBilling() throws Exception {
        String html = page(get("/pricing").param("period", "yearly"));

        assertThat(Html.textOf(html, "price-pro")).isEqualTo("₹19,999.00 a year");
        assertThat(Html.textOf(html, "pricing-credits")).contains("78000 credits a year, all at once");
        assertThat(Html.textOf(html, "pricing-lora")).contains("52 a year");
        assertThat(Html.attributeOf(html, "choose-pro", "href")).isEqualTo("/billing?plan=pro&period=yearly");
        assertThat(Html.attributeOf(html, "period-yearly", "aria-current")).isEqualTo("page");
        assertThat(Html.attributeOf(html, "period-weekly", "aria-current")).isNull();
    }

    @Test
    void anUnknownPeriodShowsWeeklyPrices() throws Exception {
        String html = page(get("/pricing").param("period", "monthly"));

        assertThat(Html.textOf(html, "price-pro")).isEqualTo("₹499.00 a week");
        assertThat(Html.attributeOf(html, "period-weekly", "aria-current")).isEqualTo("page");
    }

    @Test
    void aSignedInUserSeesTheirPlanMarked() throws Exception {
        String free = page(get("/pricing").with(user(alice)));
        assertThat(Html.textOf(free, "plan-free")).contains("Your plan");
        assertThat(Html.textOf(free, "plan-pro")).doesNotContain("Your plan");
        assertThat(Html.attributeOf(free, "nav-billing", "href")).isEqualTo("/billing");

        terms.assign(admin.id(), alice.id(), plans.find("pro").orElseThrow(), BillingPeriod.WEEKLY, 1, "Trial");
        String pro = page(get("/pricing").with(user(alice)));

        assertThat(Html.textOf(pro, "plan-pro")).contains("Pro", "Your plan", "₹499.00 a week");
        assertThat(Html.textOf(pro, "plan-free")).doesNotContain("Your plan");
    }

    private String page(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }
}
