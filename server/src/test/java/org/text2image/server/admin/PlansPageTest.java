package org.text2image.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.PlanTerms;
import org.text2image.server.plans.Plans;
import org.text2image.server.plans.SubscriptionSource;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/**
 * /admin/plans shows the plan catalogue (the test copy of the shipped one) side by side, where users choose and pay
 * for plans, how many users are on each plan now, and each model of the model catalog with each plan's access to it.
 */
@PageTest
class PlansPageTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired TestDatabase db;
    @Autowired PlanTerms terms;
    @Autowired Plans plans;

    SignedInUser admin;

    @BeforeEach
    void setUp() {
        db.clean();
        admin = TestAccounts.admin(accounts, db, "admin@example.com");
    }

    @Test
    void showsThePlansSideBySideAndWhereUsersPayForThem() throws Exception {
        String html = mvc.perform(get("/admin/plans").with(user(admin))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();

        assertThat(Html.text(html)).doesNotContain("not on sale");
        assertThat(Html.textOf(html, "plans-status")).contains("Pricing", "Billing page", "Each generation request is held to");
        assertThat(html.indexOf("id=\"plans-status\"")).isLessThan(html.indexOf("id=\"plans\""));
        assertThat(Html.textOf(html, "plans-file")).contains("plans.json");
        assertThat(Html.textOf(html, "plan-free")).contains("Free", "free · default");
        assertThat(Html.textOf(html, "plan-max")).contains("Max", "max").doesNotContain("default");
        assertThat(Html.textOf(html, "plans-credits-weekly"))
                .isEqualTo("Credits a week 0 credits 500 credits 1500 credits 4000 credits 10000 credits");
        assertThat(Html.textOf(html, "plans-batch-limit")).as("the test plans' free plan is open, so that other tests are not limited by it")
                .isEqualTo("Images per request unlimited 4 8 16 unlimited");
        assertThat(Html.textOf(html, "plans-price-weekly")).isEqualTo("Price a week free ₹199.00 ₹499.00 ₹999.00 ₹1,999.00");
        assertThat(Html.textOf(html, "plans-queue-priority"))
                .isEqualTo("Queue priority standard standard priority priority fastest");
        assertThat(Html.textOf(html, "plans-model-sd15"))
                .isEqualTo("Model: Stable Diffusion 1.5 full full full full full");
        assertThat(Html.textOf(html, "plans-model-sdxl")).as("a plan that does not name a model has full access")
                .isEqualTo("Model: SDXL full 1 image a week full full full");
        assertThat(Html.attributeOf(html, "admin-nav-plans", "aria-current")).isEqualTo("page");
    }

    @Test
    void countsTheUsersOnEachPlanNowEveryoneElseOnTheFreePlan() throws Exception {
        SignedInUser alice = accounts.register("alice@example.com", "correct horse");
        SignedInUser bob = accounts.register("bob@example.com", "correct horse");
        accounts.register("carol@example.com", "correct horse");
        terms.assign(admin.id(), alice.id(), plans.find("pro").orElseThrow(), BillingPeriod.WEEKLY, 1, "Team");
        terms.apply(bob.id(), plans.find("max").orElseThrow(), BillingPeriod.YEARLY, SubscriptionSource.UPI, 1);

        String html = mvc.perform(get("/admin/plans").with(user(admin))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "plans-users")).isEqualTo("Users on it now 2 0 1 0 1");
    }
}
