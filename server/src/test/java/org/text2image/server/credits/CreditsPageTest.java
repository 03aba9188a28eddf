package org.text2image.server.credits;

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
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

@PageTest
class CreditsPageTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired CreditLedger ledger;
    @Autowired TransactionTemplate tx;
    @Autowired TestDatabase db;

    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse");
    }

    @Test
    void showsBalanceRecentEntriesAndSaysPurchasesAreNotAvailableYet() throws Exception {
        UUID job = UUID.randomUUID();
        tx.executeWithoutResult(s -> ledger.hold(alice.id(), 3, job));

        String html = mvc.perform(get("/credits").with(user(alice))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "credits-available")).isEqualTo("17 credits");
        assertThat(Html.textOf(html, "credits-held")).startsWith("3 more reserved");
        assertThat(Html.textOf(html, "balance")).isEqualTo("17 credits · 3 reserved");
        assertThat(Html.text(html)).contains("Purchases are not available yet.")
                .contains("Reserved Reserved for a generation").contains("Added Free credits for signing up");
        assertThat(html).contains("href=\"/jobs/" + job + "\"");
    }
}
