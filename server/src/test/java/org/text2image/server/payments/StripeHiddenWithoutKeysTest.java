package org.text2image.server.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/**
 * Without Stripe keys (the test default) card payments do not exist: no button, no checkout, no webhook,
 * and the plan card actions refuse.
 */
@PageTest
class StripeHiddenWithoutKeysTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired PaymentRows payments;
    @Autowired TestDatabase db;
    @Autowired Clock clock;

    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse");
    }

    @Test
    void theBuyPageOffersNoCardPaymentWithoutKeysAndTheFormAndWebhookAreRefused() throws Exception {
        String page = mvc.perform(get("/buy").with(user(alice))).andReturn().getResponse().getContentAsString();
        assertThat(Html.tagOf(page, "pay-creator-upi")).as("UPI stays").isNotNull();
        assertThat(page).doesNotContain("pay-creator-stripe", "pay-dollars-stripe", "/payments/stripe", "Pay by card");
        assertThat(Html.tagOf(page, "pack-dollars-unavailable")).as("a dollar pack has no way to pay").isNotNull();

        StripeTestSupport stripe = new StripeTestSupport(mvc, clock);
        String key = UUID.randomUUID().toString();
        stripe.buy(alice, "creator", "49900", "INR", key).andExpect(status().isUnprocessableContent());
        assertThat(payments.findByRequestKey(key)).isEmpty();

        Payment fake = new Payment(1, alice.id(), PaymentProvider.STRIPE, PaymentState.CHECKOUT_OPEN, "K7QM2XH9PA",
                "creator", 600, 49900, "INR", null, "cs_test_x", null, null, null, null, null, null, null, null, null);
        stripe.send(stripe.event("checkout_session_event", fake, Map.of())).andExpect(status().isBadRequest())
                .andExpect(content().string("Stripe is not configured on this site.\n"));
    }

    @Test
    void withoutKeysThePlanCardActionsAnswerWithAnErrorOnTheBillingPageAndWriteNothing() throws Exception {
        for (String path : java.util.List.of("/billing/stripe/checkout", "/billing/stripe/change", "/billing/stripe/cancel",
                "/billing/stripe/resume", "/billing/stripe/portal")) {
            mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post(path)
                            .with(org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf())
                            .with(user(alice)).param("planId", "pro").param("period", "weekly")
                            .param("requestKey", UUID.randomUUID().toString()))
                    .andExpect(status().isSeeOther())
                    .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl("/billing"))
                    .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash()
                            .attribute("error", "Card payments are not available on this site."));
        }
        assertThat(db.jdbc().sql("SELECT count(*) FROM stripe_subscription_checkout").query(Long.class).single()).isZero();
    }
}
