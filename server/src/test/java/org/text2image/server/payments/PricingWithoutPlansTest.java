package org.text2image.server.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/** A site without a plans file: the Pricing page says no plans are offered, and Billing offers none to pay for. */
@PageTest
@TestPropertySource(properties = "text2image.plans.file=target/no-such-plans.json")
class PricingWithoutPlansTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired TestDatabase db;

    @Test
    void thePricingPageSaysPlansAreNotOfferedAndBillingHasNoneToPayFor() throws Exception {
        db.clean();
        var alice = accounts.register("alice@example.com", "correct horse");

        String pricing = mvc.perform(get("/pricing")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        String billing = mvc.perform(get("/billing?plan=pro&period=weekly").with(user(alice))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(pricing, "no-plans")).contains("Plans are not offered on this site");
        assertThat(Html.tagOf(pricing, "pricing")).isNull();
        assertThat(Html.textOf(billing, "offer-problem")).contains("There is no plan \"pro\"");
    }
}
