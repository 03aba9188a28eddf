package org.text2image.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.plans.UserPlans;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/** An admin gives a user a plan for some weeks or years (once per form), or ends it; both audited; bad input changes nothing. */
@PageTest
class UserPlanAdminTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired UserPlans userPlans;
    @Autowired CreditStatements statements;
    @Autowired LedgerInvariants invariants;
    @Autowired TestDatabase db;

    SignedInUser admin;
    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        admin = TestAccounts.admin(accounts, db, "admin@example.com");
        alice = accounts.register("alice@example.com", "correct horse battery");
    }

    @AfterEach
    void booksStayBalanced() {
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void anAdminGivesAPlanOnceEvenWhenTheFormIsSentTwiceAndCanEndIt() throws Exception {
        assertThat(Html.textOf(page(), "user-plan")).isEqualTo("Free");
        String key = UUID.randomUUID().toString();
        Map<String, String> form = Map.of("plan", "pro", "period", "weekly", "count", "4", "reason", "design team",
                "key", key);

        assign(form).andExpect(status().isSeeOther()).andExpect(redirectedUrl("/admin/users/" + alice.id()));
        assign(form).andExpect(status().isSeeOther());

        assertThat(userPlans.planOf(alice.id()).id()).isEqualTo("pro");
        assertThat(statements.balance(alice.id()).availableCredits()).as("20 signup + one week of Pro, once")
                .isEqualTo(20 + 1500);
        String html = page();
        assertThat(Html.textOf(html, "user-plan")).startsWith("Pro, weekly, given by an admin, until");
        assertThat(Html.textOf(html, "user-audit")).contains("PLAN_ASSIGNED", "design team");

        mvc.perform(post("/admin/users/" + alice.id() + "/plan/end").with(csrf()).with(user(admin))
                .param("reason", "left the team")).andExpect(status().isSeeOther());

        assertThat(userPlans.planOf(alice.id()).id()).isEqualTo("free");
        assertThat(Html.textOf(page(), "user-audit")).contains("PLAN_ENDED", "left the team");
    }

    @Test
    void badInputIsShownBesideItsFieldAndChangesNothing() throws Exception {
        Map<String, Map<String, String>> cases = Map.of(
                "plan-choice-error", Map.of("plan", "free"),
                "plan-period-error", Map.of("period", "monthly"),
                "plan-count-error", Map.of("count", "53"),
                "plan-reason-error", Map.of("reason", "  "),
                "plan-key-error", Map.of("key", "not a key!"));
        for (var c : cases.entrySet()) {
            Map<String, String> form = new java.util.HashMap<>(Map.of("plan", "pro", "period", "weekly", "count", "1",
                    "reason", "why", "key", UUID.randomUUID().toString()));
            form.putAll(c.getValue());
            String html = assign(form).andExpect(status().isUnprocessableContent()).andReturn().getResponse()
                    .getContentAsString();
            assertThat(Html.textOf(html, c.getKey())).as(c.getKey()).isNotBlank();
        }
        for (String count : new String[] {"0", "-1", "1.5", "abc", "", "99999999999"}) {
            assign(Map.of("plan", "pro", "period", "yearly", "count", count, "reason", "why",
                    "key", UUID.randomUUID().toString())).andExpect(status().isUnprocessableContent());
        }
        assign(Map.of("plan", "nonexistent", "period", "weekly", "count", "1", "reason", "why",
                "key", UUID.randomUUID().toString())).andExpect(status().isUnprocessableContent());
        assign(Map.of("plan", "pro\u0000", "period", "weekly", "count", "1", "reason", "why",
                "key", UUID.randomUUID().toString())).andExpect(status().isBadRequest()); // NUL: refused site-wide
        mvc.perform(post("/admin/users/999999/plan").with(csrf()).with(user(admin)).param("plan", "pro")
                .param("period", "weekly").param("count", "1").param("reason", "why")
                .param("key", UUID.randomUUID().toString())).andExpect(status().isNotFound());
        mvc.perform(post("/admin/users/" + alice.id() + "/plan").with(csrf()).with(user(alice)).param("plan", "pro")
                .param("period", "weekly").param("count", "1").param("reason", "why")
                .param("key", UUID.randomUUID().toString())).andExpect(status().isNotFound());

        assertThat(userPlans.subscription(alice.id())).isEmpty();
        assertThat(statements.balance(alice.id()).availableCredits()).isEqualTo(20);
        assertThat(db.jdbc().sql("SELECT count(*) FROM admin_audit").query(Long.class).single()).isZero();
    }

    private ResultActions assign(Map<String, String> form) throws Exception {
        var request = post("/admin/users/" + alice.id() + "/plan").with(csrf()).with(user(admin));
        form.forEach(request::param);
        return mvc.perform(request);
    }

    private String page() throws Exception {
        return mvc.perform(get("/admin/users/" + alice.id()).with(user(admin))).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString();
    }
}
