package org.text2image.server.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import jakarta.servlet.http.Cookie;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/** With text2image.security.admin-2fa=required, admins enrol a TOTP app and enter a code before any admin page works. */
@PageTest
@TestPropertySource(properties = "text2image.security.admin-2fa=required")
class AdminSecondFactorTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;

    SignedInUser admin;

    @BeforeEach
    void setUp() {
        db.clean();
        clock.reset();
        admin = TestAccounts.admin(accounts, db, "admin@example.com");
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void anAdminWithoutASecondFactorIsSentToEnrolmentAndGetsTenRecoveryCodes() throws Exception {
        Cookie session = signIn("admin@example.com");
        mvc.perform(get("/admin/users").cookie(session)).andExpect(redirectedUrl("/account/2fa/setup"));
        mvc.perform(get("/generate").cookie(session)).andExpect(redirectedUrl("/account/2fa/setup"));
        String setup = page(session, "/account/2fa/setup");
        byte[] qr = mvc.perform(get("/account/2fa/qr.png").cookie(session)).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsByteArray();
        assertThat(qr).startsWith(0x89, 'P', 'N', 'G');

        MvcResult wrong = mvc.perform(post("/account/2fa/setup").cookie(session).with(csrf()).param("code", "000000"))
                .andExpect(status().isUnprocessableContent()).andReturn();
        assertThat(Html.textOf(wrong.getResponse().getContentAsString(), "code-error")).contains("not the current code");
        MvcResult enrolled = mvc.perform(post("/account/2fa/setup").cookie(session).with(csrf())
                .param("code", currentCode())).andExpect(status().isOk()).andReturn();

        List<String> codes = recoveryCodes(enrolled.getResponse().getContentAsString());
        assertThat(codes).hasSize(10).doesNotHaveDuplicates().allMatch(code -> code.matches("[a-z2-9]{5}-[a-z2-9]{5}"));
        assertThat(enrolled.getResponse().getHeader("Cache-Control")).isEqualTo("no-store");
        assertThat(Html.textOf(setup, "secret")).isEqualTo(Totp.base32(secret()));
        assertThat(db.jdbc().sql("SELECT count(*) FROM admin_recovery_code").query(Long.class).single()).isEqualTo(10);
        assertThat(db.jdbc().sql("SELECT action FROM admin_audit").query(String.class).list())
                .containsExactly("ADMIN_SECOND_FACTOR_ON");
        Cookie passed = enrolled.getResponse().getCookie("SESSION");
        mvc.perform(get("/admin/users").cookie(passed != null ? passed : session)).andExpect(status().isOk());
    }

    @Test
    void anEnrolledAdminMustEnterACodeBeforeAnyAdminPageAndACodeWorksOnce() throws Exception {
        enrol();
        clock.advance(Duration.ofMinutes(5));
        Cookie session = signIn("admin@example.com");
        mvc.perform(get("/admin/audit").cookie(session)).andExpect(redirectedUrl("/account/2fa/verify"));

        MvcResult wrong = mvc.perform(post("/account/2fa/verify").cookie(session).with(csrf()).param("code", "123456"))
                .andExpect(status().isUnprocessableContent()).andReturn();
        assertThat(Html.textOf(wrong.getResponse().getContentAsString(), "code-error")).contains("not valid");
        String code = currentCode();
        MvcResult right = mvc.perform(post("/account/2fa/verify").cookie(session).with(csrf()).param("code", code))
                .andExpect(status().isSeeOther()).andExpect(redirectedUrl("/admin/users")).andReturn();
        Cookie passed = right.getResponse().getCookie("SESSION");
        mvc.perform(get("/admin/audit").cookie(passed)).andExpect(status().isOk());
        mvc.perform(get("/admin/audit").cookie(session)) // the old session id no longer works
                .andExpect(status().is3xxRedirection());

        Cookie other = signIn("admin@example.com");
        mvc.perform(post("/account/2fa/verify").cookie(other).with(csrf()).param("code", code))
                .andExpect(status().isUnprocessableContent()); // the same code again: a replay
    }

    @Test
    void aRecoveryCodeSignsInOnce() throws Exception {
        List<String> codes = enrol();
        Cookie first = signIn("admin@example.com");
        mvc.perform(post("/account/2fa/verify").cookie(first).with(csrf()).param("code", codes.get(3).toUpperCase()))
                .andExpect(status().isSeeOther());

        Cookie second = signIn("admin@example.com");
        mvc.perform(post("/account/2fa/verify").cookie(second).with(csrf()).param("code", codes.get(3)))
                .andExpect(status().isUnprocessableContent());
    }

    @Test
    void tenWrongCodesEndTheSession() throws Exception {
        enrol();
        Cookie session = signIn("admin@example.com");
        for (int i = 1; i < 10; i++) {
            mvc.perform(post("/account/2fa/verify").cookie(session).with(csrf()).param("code", "x" + i))
                    .andExpect(status().isUnprocessableContent());
        }
        mvc.perform(post("/account/2fa/verify").cookie(session).with(csrf()).param("code", "x10"))
                .andExpect(redirectedUrl("/login?error"));
        assertThat(mvc.perform(get("/account/2fa/verify").cookie(session)).andExpect(status().is3xxRedirection())
                .andReturn().getResponse().getRedirectedUrl()).endsWith("/login");
    }

    @Test
    void usersAreNotAskedAndTheSecondFactorPagesDoNotExistForThem() throws Exception {
        accounts.register("alice@example.com", "correct horse");
        Cookie session = signIn("alice@example.com");

        mvc.perform(get("/generate").cookie(session)).andExpect(status().isOk());
        mvc.perform(get("/account/2fa/setup").cookie(session)).andExpect(status().isNotFound());
        mvc.perform(get("/account/2fa/qr.png").cookie(session)).andExpect(status().isNotFound());
        mvc.perform(post("/account/2fa/verify").cookie(session).with(csrf()).param("code", "123456"))
                .andExpect(status().isNotFound());
    }

    /** Enrols the admin in a session of its own; the recovery codes. */
    private List<String> enrol() throws Exception {
        Cookie session = signIn("admin@example.com");
        page(session, "/account/2fa/setup");
        String html = mvc.perform(post("/account/2fa/setup").cookie(session).with(csrf()).param("code", currentCode()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        clock.advance(Duration.ofSeconds(Totp.STEP_SECONDS * 2)); // the enrolment code is used up
        return recoveryCodes(html);
    }

    private String currentCode() {
        return Totp.code(secret(), Totp.step(clock.instant()), 6);
    }

    private byte[] secret() {
        return db.jdbc().sql("SELECT secret FROM admin_totp WHERE user_id = ?").params(admin.id()).query(byte[].class).single();
    }

    private static List<String> recoveryCodes(String html) {
        Matcher m = Pattern.compile("class=\"recovery-code\">([^<]+)<").matcher(html);
        return m.results().map(r -> r.group(1)).toList();
    }

    private Cookie signIn(String email) throws Exception {
        return mvc.perform(post("/login").with(csrf()).param("username", email).param("password", "correct horse"))
                .andExpect(redirectedUrl("/generate")).andReturn().getResponse().getCookie("SESSION");
    }

    private String page(Cookie session, String url) throws Exception {
        return mvc.perform(get(url).cookie(session)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }
}
