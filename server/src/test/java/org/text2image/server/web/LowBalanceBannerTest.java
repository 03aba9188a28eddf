package org.text2image.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.support.TestDatabase;

/** The low-balance banner: on every page while the available balance is under 5 credits (the default). */
@PageTest
class LowBalanceBannerTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired CreditLedger ledger;
    @Autowired GenerationService generation;
    @Autowired TransactionTemplate tx;
    @Autowired TestDatabase db;

    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse");
    }

    @Test
    void pagesShowTheBannerWithLinksToBuyAndToCreditsWhileTheBalanceIsBelowTheThreshold() throws Exception {
        hold(16); // 4 credits left

        for (String path : new String[] {"/generate", "/history", "/credits", "/jobs/" + UUID.randomUUID()}) {
            String html = mvc.perform(get(path).with(user(alice))).andReturn().getResponse().getContentAsString();
            assertThat(Html.textOf(html, "low-balance-warning")).as(path)
                    .isEqualTo("Your balance is low: 4 credits available. Buy credits · See your credits");
            assertThat(Html.attributeOf(html, "low-balance-buy", "href")).as(path).isEqualTo("/buy");
            assertThat(Html.attributeOf(html, "low-balance-link", "href")).as(path).isEqualTo("/credits");
        }
    }

    @Test
    void noBannerAtTheThresholdOrAbove() throws Exception {
        assertThat(generatePage()).doesNotContain("low-balance-warning");
        hold(15); // exactly 5 left
        assertThat(generatePage()).doesNotContain("low-balance-warning");
        hold(1);
        assertThat(generatePage()).contains("low-balance-warning");
    }

    @Test
    void visitorsSeeNoBanner() throws Exception {
        String html = mvc.perform(get("/login")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(html).doesNotContain("id=\"low-balance");
    }

    @Test
    void theJobStatusFragmentShowsAndClearsTheBannerOutOfBandWithTheHeaderBalance() throws Exception {
        hold(13); // 7 left
        UUID job = generation.submit(alice.id(), GenerationRequest.of("sdxl", "a fox")).id(); // 3 more held: 4 left

        String low = statusFragment(job);
        assertThat(Html.attributeOf(low, "low-balance", "hx-swap-oob")).isEqualTo("true");
        assertThat(Html.textOf(low, "low-balance-warning")).startsWith("Your balance is low: 4 credits available.");
        assertThat(Html.textOf(low, "balance")).isEqualTo("4 credits · 16 reserved");

        generation.cancel(job, alice.id()); // 7 left
        String cleared = statusFragment(job);
        assertThat(Html.attributeOf(cleared, "low-balance", "hx-swap-oob")).as("still sent, to clear the banner").isEqualTo("true");
        assertThat(cleared).doesNotContain("low-balance-warning");
        assertThat(Html.textOf(cleared, "balance")).isEqualTo("7 credits · 13 reserved");
    }

    private void hold(long credits) {
        tx.executeWithoutResult(s -> ledger.hold(alice.id(), credits, UUID.randomUUID()));
    }

    private String generatePage() throws Exception {
        return mvc.perform(get("/generate").with(user(alice))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
    }

    private String statusFragment(UUID job) throws Exception {
        return mvc.perform(get("/jobs/" + job + "/status").with(user(alice))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
    }
}
