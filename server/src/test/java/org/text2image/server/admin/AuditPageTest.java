package org.text2image.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.AdminAuditLog;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/** /admin/audit lists every admin action, paged and searchable, and the log cannot be rewritten. */
@PageTest
class AuditPageTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired AdminAuditLog audit;
    @Autowired TransactionTemplate transactions;
    @Autowired TestDatabase db;

    SignedInUser admin;
    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        admin = TestAccounts.admin(accounts, db, "admin@example.com");
        alice = accounts.register("alice@example.com", "correct horse battery");
    }

    @Test
    void creditAdjustmentsAndWorkerTokenActionsAreListedWithWhoWhatAndBeforeAfter() throws Exception {
        mvc.perform(post("/admin/credits").with(csrf()).with(user(admin)).param("email", "alice@example.com")
                .param("amount", "5").param("reason", "Goodwill").param("expiresInDays", "")
                .param("adjustmentKey", UUID.randomUUID().toString())).andExpect(status().isSeeOther());
        mvc.perform(post("/admin/workers/tokens").with(csrf()).with(user(admin)).param("name", "gpu-one"))
                .andExpect(status().isOk());
        long tokenId = db.jdbc().sql("SELECT id FROM worker_token").query(Long.class).single();
        mvc.perform(post("/admin/workers/tokens/" + tokenId + "/revoke").with(csrf()).with(user(admin)))
                .andExpect(status().is3xxRedirection());

        String html = page("/admin/audit");

        assertThat(Html.textOf(html, "audit-count")).isEqualTo("3 entries");
        String table = Html.textOf(html, "audit");
        assertThat(table).contains("WORKER_TOKEN_REVOKED", "active", "revoked", "WORKER_TOKEN_CREATED", "gpu-one",
                "CREDITS_ADDED", "alice@example.com", "+5", "Goodwill", "admin@example.com");
        assertThat(table.indexOf("WORKER_TOKEN_REVOKED")).as("newest first").isLessThan(table.indexOf("CREDITS_ADDED"));
    }

    @Test
    void aSingleEntryIsCountedInTheSingular() throws Exception {
        record("USER_DISABLED", alice, "Spam", "enabled", "disabled");

        assertThat(Html.textOf(page("/admin/audit"), "audit-count")).isEqualTo("1 entry");
    }

    @Test
    void searchFindsEntriesByTheUsersEmailOrByTheirText() throws Exception {
        SignedInUser bob = accounts.register("bob@example.com", "correct horse battery");
        record("USER_DISABLED", alice, "Spam from alice", "enabled", "disabled");
        record("USER_DISABLED", bob, "Chargeback fraud", "enabled", "disabled");

        assertThat(Html.textOf(page("/admin/audit?q=ALICE@"), "audit")).contains("Spam from alice").doesNotContain("Chargeback");
        assertThat(Html.textOf(page("/admin/audit?q=chargeback"), "audit")).contains("bob@example.com").doesNotContain("alice");
        assertThat(Html.textOf(page("/admin/audit?q=100%25"), "audit-empty")).isEqualTo("No entries.");
    }

    @Test
    void theLogIsPagedFiftyAtATimeAndAnyPageNumberIsSafe() throws Exception {
        for (int i = 1; i <= 51; i++) {
            record("USER_ENABLED", alice, "Entry " + i, "disabled", "enabled");
        }

        String first = page("/admin/audit");
        assertThat(first.split("class=\"audit-row\"", -1)).hasSize(51);
        assertThat(Html.attributeOf(first, "audit-older", "href")).contains("page=1");
        String second = page("/admin/audit?page=1");
        assertThat(second.split("class=\"audit-row\"", -1)).hasSize(2);
        assertThat(Html.textOf(second, "audit")).contains("Entry 1");
        assertThat(Html.tagOf(second, "audit-older")).isNull();
        for (String odd : new String[] {"-1", "abc", "99999999999999", "5000"}) {
            mvc.perform(get("/admin/audit").param("page", odd).with(user(admin))).andExpect(status().isOk());
        }
        mvc.perform(get("/admin/audit").param("q", "x".repeat(5000)).with(user(admin))).andExpect(status().isOk());
    }

    @Test
    void theDatabaseRefusesToChangeOrDeleteAuditRows() {
        record("USER_DISABLED", alice, "Spam", "enabled", "disabled");

        assertThatThrownBy(() -> db.jdbc().sql("UPDATE admin_audit SET reason = 'nothing happened'").update())
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> db.jdbc().sql("DELETE FROM admin_audit").update())
                .hasMessageContaining("append-only");
        assertThat(db.jdbc().sql("SELECT reason FROM admin_audit").query(String.class).single()).isEqualTo("Spam");
    }

    @Test
    void theAuditPageDoesNotExistForAnyoneButAnAdmin() throws Exception {
        mvc.perform(get("/admin/audit").with(user(alice))).andExpect(status().isNotFound());
        mvc.perform(get("/admin/audit")).andExpect(status().is3xxRedirection());
    }

    private void record(String action, SignedInUser target, String reason, String before, String after) {
        transactions.executeWithoutResult(status -> audit.record(admin.id(), action, target.id(), null, reason, before, after));
    }

    private String page(String url) throws Exception {
        return mvc.perform(get(url).with(user(admin))).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
    }
}
