package org.text2image.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.DeletionRequests;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.Viewer;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/** /admin/users: find, view, disable and enable a user, end their sessions; nobody else sees any of it. */
@PageTest
class UsersPageTest {

    static final String PASSWORD = "correct horse battery";

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired GenerationService generation;
    @Autowired CreditStatements statements;
    @Autowired DeletionRequests deletionRequests;
    @Autowired LedgerInvariants invariants;
    @Autowired TestDatabase db;

    SignedInUser admin;
    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        admin = TestAccounts.admin(accounts, db, "admin@example.com");
        alice = accounts.register("alice@example.com", PASSWORD);
    }

    @AfterEach
    void booksStayBalanced() {
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void searchFindsUsersByPartOfTheirEmailAndListsPendingDeletionRequests() throws Exception {
        accounts.register("bob@example.org", PASSWORD);
        deletionRequests.request(alice, "Moving on");

        String html = page("/admin/users?q=EXAMPLE.COM");

        assertThat(Html.textOf(html, "users")).contains("alice@example.com").doesNotContain("bob@example.org");
        assertThat(Html.textOf(html, "deletion-requests")).contains("alice@example.com", "Moving on");
        assertThat(Html.textOf(page("/admin/users?q=nobody"), "no-users")).isEqualTo("No user matches.");
        mvc.perform(get("/admin/users").param("q", "x".repeat(3000)).with(user(admin))).andExpect(status().isOk());
    }

    @Test
    void theUsersPageShowsBalanceJobsPaymentsSessionsAndAudit() throws Exception {
        generation.submit(alice.id(), GenerationRequest.ofPrompt("a lighthouse at dusk"));
        signIn();

        String html = page("/admin/users/" + alice.id());

        assertThat(Html.textOf(html, "user-email")).isEqualTo("alice@example.com");
        assertThat(Html.textOf(html, "user-state")).contains("Active", "available", "held");
        assertThat(Html.textOf(html, "user-jobs")).contains("a lighthouse at dusk", "QUEUED");
        assertThat(Html.textOf(html, "session-count")).isEqualTo("1 signed-in session");
    }

    @Test
    void disablingRefusesSignInEndsSessionsCancelsQueuedJobsAndReleasesTheirHolds() throws Exception {
        JobView job = generation.submit(alice.id(), GenerationRequest.ofPrompt("a lighthouse at dusk"));
        Cookie session = signIn();
        assertThat(statements.balance(alice.id()).heldCredits()).isPositive();

        MvcResult posted = mvc.perform(post("/admin/users/" + alice.id() + "/disable").with(csrf()).with(user(admin))
                        .param("reason", "Abusive prompts"))
                .andExpect(status().isSeeOther()).andExpect(redirectedUrl("/admin/users/" + alice.id())).andReturn();

        assertThat(Html.textOf(followRedirect(posted), "notice"))
                .isEqualTo("Disabled alice@example.com: 1 job cancelled, 1 session ended.");
        assertThat(generation.find(job.id(), new Viewer(admin.id(), true)).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(statements.balance(alice.id()).heldCredits()).isZero();
        mvc.perform(get("/generate").cookie(session)).andExpect(status().is3xxRedirection());
        mvc.perform(post("/login").with(csrf()).param("username", "alice@example.com").param("password", PASSWORD))
                .andExpect(redirectedUrl("/login?error"));
        assertThat(Html.textOf(page("/admin/audit"), "audit")).contains("USER_DISABLED", "enabled", "disabled", "Abusive prompts");
    }

    @Test
    void enablingLetsTheUserSignInAgain() throws Exception {
        disable("Spam");

        mvc.perform(post("/admin/users/" + alice.id() + "/enable").with(csrf()).with(user(admin)).param("reason", "Appeal accepted"))
                .andExpect(status().isSeeOther());

        signIn();
        assertThat(Html.textOf(page("/admin/users/" + alice.id()), "user-audit")).contains("USER_ENABLED", "Appeal accepted");
    }

    @Test
    void endingSessionsSignsTheUserOutEverywhereButLeavesTheAccountEnabled() throws Exception {
        Cookie first = signIn();
        Cookie second = signIn();

        mvc.perform(post("/admin/users/" + alice.id() + "/end-sessions").with(csrf()).with(user(admin)))
                .andExpect(status().isSeeOther());

        mvc.perform(get("/generate").cookie(first)).andExpect(status().is3xxRedirection());
        mvc.perform(get("/generate").cookie(second)).andExpect(status().is3xxRedirection());
        signIn();
    }

    @Test
    void endingOneSessionSaysSoInTheSingular() throws Exception {
        signIn();

        MvcResult posted = mvc.perform(post("/admin/users/" + alice.id() + "/end-sessions").with(csrf()).with(user(admin)))
                .andExpect(status().isSeeOther()).andReturn();

        assertThat(Html.textOf(followRedirect(posted), "notice")).isEqualTo("Ended 1 session of alice@example.com.");
    }

    @Test
    void aDisableWithoutAReasonIsRefusedBesideTheFieldAndChangesNothing() throws Exception {
        generation.submit(alice.id(), GenerationRequest.ofPrompt("a lighthouse at dusk"));
        Balance before = statements.balance(alice.id());

        String html = mvc.perform(post("/admin/users/" + alice.id() + "/disable").with(csrf()).with(user(admin))
                        .param("reason", "   "))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "disable-reason-error")).contains("A reason is required");
        assertThat(statements.balance(alice.id())).isEqualTo(before);
        signIn();
        mvc.perform(post("/admin/users/" + admin.id() + "/disable").with(csrf()).with(user(admin)).param("reason", "oops"))
                .andExpect(status().isUnprocessableContent());
        mvc.perform(post("/admin/users/" + alice.id() + "/disable").with(csrf()).with(user(admin))
                .param("reason", "x".repeat(501))).andExpect(status().isUnprocessableContent());
        assertThat(db.jdbc().sql("SELECT count(*) FROM admin_audit").query(Long.class).single()).isZero();
    }

    @Test
    void unknownUsersAreNotFound() throws Exception {
        mvc.perform(get("/admin/users/999999").with(user(admin))).andExpect(status().isNotFound());
        mvc.perform(post("/admin/users/999999/disable").with(csrf()).with(user(admin)).param("reason", "x"))
                .andExpect(status().isNotFound());
        mvc.perform(get("/admin/users/abc").with(user(admin))).andExpect(status().is4xxClientError());
    }

    @Test
    void noUsersRouteExistsForANonAdmin() throws Exception {
        String id = String.valueOf(alice.id());
        for (String path : new String[] {"/admin/users", "/admin/users/" + id}) {
            mvc.perform(get(path).with(user(alice))).andExpect(status().isNotFound());
        }
        for (String path : new String[] {"/disable", "/enable", "/end-sessions"}) {
            mvc.perform(post("/admin/users/" + id + path).with(csrf()).with(user(alice)).param("reason", "x"))
                    .andExpect(status().isNotFound());
        }
        signIn();
        assertThat(db.jdbc().sql("SELECT count(*) FROM admin_audit").query(Long.class).single()).isZero();
    }

    private void disable(String reason) throws Exception {
        mvc.perform(post("/admin/users/" + alice.id() + "/disable").with(csrf()).with(user(admin)).param("reason", reason))
                .andExpect(status().isSeeOther());
    }

    /** Signs alice in with her password; the session cookie. */
    private Cookie signIn() throws Exception {
        MvcResult result = mvc.perform(post("/login").with(csrf()).param("username", "alice@example.com")
                .param("password", PASSWORD)).andExpect(redirectedUrl("/generate")).andReturn();
        Cookie session = result.getResponse().getCookie("SESSION");
        mvc.perform(get("/generate").cookie(session)).andExpect(status().isOk());
        return session;
    }

    private String followRedirect(MvcResult posted) throws Exception {
        Cookie session = posted.getResponse().getCookie("SESSION");
        return mvc.perform(get(posted.getResponse().getRedirectedUrl()).with(user(admin)).cookie(session))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }

    private String page(String url) throws Exception {
        return mvc.perform(get(url).with(user(admin))).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
    }
}
