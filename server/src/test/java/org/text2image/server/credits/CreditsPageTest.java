package org.text2image.server.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.time.Instant;
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
    void showsBalanceRecentEntriesAndLinksToBuyingCredits() throws Exception {
        UUID job = UUID.randomUUID();
        tx.executeWithoutResult(s -> ledger.hold(alice.id(), 3, job));

        String html = mvc.perform(get("/credits").with(user(alice))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "credits-available")).isEqualTo("17 credits");
        assertThat(Html.textOf(html, "credits-held")).isEqualTo("Plus 3 credits reserved for jobs in progress: charged only if they succeed.");
        assertThat(Html.textOf(html, "balance")).isEqualTo("17 credits · 3 reserved");
        assertThat(Html.attributeOf(html, "buy-credits-link", "href")).isEqualTo("/buy");
        assertThat(Html.attributeOf(html, "payments-link", "href")).isEqualTo("/payments");
        assertThat(Html.text(html))
                .contains("Reserved Reserved for a generation").contains("Added Free credits for signing up");
        assertThat(html).contains("href=\"/jobs/" + job + "\"");
    }

    @Test
    void theHistoryShowsEveryKindOfEntryWithItsSignedChangeAndLotExpiry() throws Exception {
        ledger.grant(alice.id(), 10, LotSource.ADMIN, Instant.now().plus(Duration.ofDays(30)), "test:promo", "Promotion");
        UUID charged = UUID.randomUUID();
        long hold = tx.execute(s -> ledger.hold(alice.id(), 3, charged));
        tx.executeWithoutResult(s -> ledger.capture(hold, charged));
        tx.executeWithoutResult(s -> ledger.debit(alice.id(), 2, "test:debit", "Admin adjustment: duplicate"));

        String html = page("/credits");

        String ledgerText = Html.textOf(html, "ledger");
        assertThat(ledgerText).contains("Added Promotion · expires", "+10", "Reserved Reserved for a generation", "−3",
                "Charged Charged for a generation", "3 (from reserved)", "Removed Admin adjustment: duplicate", "−2");
        // The hold and the removal both took from the promotion first: it expires soonest.
        assertThat(Html.textOf(html, "credits-expiring")).startsWith("5 credits expiring on");
        assertThat(Html.textOf(html, "totals-week")).isEqualTo("This week 30 3 0 2");
        assertThat(Html.textOf(html, "totals-month")).isEqualTo("This month 30 3 0 2");
    }

    @Test
    void theWholeHistoryIsPagedFiftyEntriesAPage() throws Exception {
        for (int i = 0; i < 60; i++) {
            ledger.grant(alice.id(), 1, "test:" + i, "grant " + i);
        }

        String first = page("/credits");
        String second = page("/credits?page=2");

        assertThat(Html.textOf(first, "ledger-pager")).contains("Page 1 of 2", "Older");
        assertThat(Html.textOf(first, "ledger")).contains("grant 59").doesNotContain("Free credits for signing up");
        assertThat(Html.textOf(second, "ledger")).contains("Free credits for signing up", "grant 0");
        assertThat(Html.textOf(page("/credits?page=99"), "ledger-pager")).contains("Page 2 of 2");
        assertThat(Html.textOf(page("/credits?page=abc"), "ledger-pager")).contains("Page 1 of 2");
    }

    private String page(String url) throws Exception {
        return mvc.perform(get(url).with(user(alice))).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
    }
}
