package org.text2image.server.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.support.InvalidInputException;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/** /admin/settings: validated all or nothing, audited with before and after, admin-only; the announcement is escaped. */
@PageTest
class SettingsPageTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired SettingsEditor editor;
    @Autowired DatabaseLiveSettings live;
    @Autowired TestDatabase db;

    SignedInUser admin;
    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        SettingsFixtures.restoreDefaults(db, live);
        admin = TestAccounts.admin(accounts, db, "admin@example.com");
        alice = accounts.register("alice@example.com", "correct horse battery");
    }

    @AfterEach
    void restoreDefaults() {
        SettingsFixtures.restoreDefaults(db, live);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "max-width         | 0      | Enter a multiple of 64 from 64 to 4096 pixels",
            "max-width         | 100000 | Enter a multiple of 64 from 64 to 4096 pixels",
            "max-width         | 700    | Enter a multiple of 64 from 64 to 4096 pixels",
            "max-height        | 1024px | Enter a multiple of 64 from 64 to 4096 pixels",
            "attempt-timeout   | -2m    | Enter a time from 10s to 24h",
            "attempt-timeout   | 5s     | Enter a time from 10s to 24h",
            "attempt-timeout   | 25h    | Enter a time from 10s to 24h",
            "signup-credits    | -1     | Enter a whole number of credits from 0 to 1,000,000",
            "low-balance-threshold | 1e3 | Enter a whole number of credits from 0 to 1,000,000",
            "automatic-retries | 11     | Enter a whole number from 0 to 10",
            "max-queued-jobs-per-user | 0 | Enter a whole number from 1 to 1000",
            "support-email     | not-an-address | Enter an email address",
            "whatsapp-link     | http://wa.me/911234567890 | https://wa.me/",
            "whatsapp-link     | https://evil.example/wa.me/1 | https://wa.me/",
            "upi-vpa           | not a vpa | Enter a UPI ID such as shop@okaxis"})
    void anInvalidFieldIsRefusedBesideItsFieldAndNothingIsSaved(String field, String value, String message) throws Exception {
        Settings before = live.current();

        Map<String, String> form = new HashMap<>(Map.of("max-width", "768", "signup-credits", "50"));
        form.put(field, value);
        String html = mvc.perform(save(form))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, field + "-error")).contains(message);
        assertThat(Html.textOf(html, "alert")).isEqualTo("Nothing was saved: correct the fields marked below.");
        assertThat(Html.attributeOf(html, "setting-" + field, "value")).as("the form keeps what was typed").isEqualTo(value);
        assertNothingStored(before);
    }

    @Test
    void anAnnouncementOverTheLimitAndANulCharacterAreRefused() throws Exception {
        Settings before = live.current();

        String html = mvc.perform(save(Map.of("max-width", "768", "announcement", "a".repeat(2001))))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        assertThat(Html.textOf(html, "announcement-error")).isEqualTo("This is 2001 characters; the limit is 2,000.");
        mvc.perform(save(Map.of("max-width", "768", "support-email", "help\0@example.com")))
                .andExpect(status().isBadRequest());
        assertThatThrownBy(() -> editor.change(admin.id(), Map.of("max-width", "768", "announcement", "Hi\0")))
                .isInstanceOf(InvalidInputException.class)
                .extracting(e -> ((InvalidInputException) e).fieldErrors())
                .isEqualTo(Map.of("announcement", "This contains a character that is not allowed (NUL)."));
        assertNothingStored(before);
    }

    @Test
    void aUpiIdWithoutAPayeeNameIsRefused() throws Exception {
        String html = mvc.perform(save(Map.of("upi-vpa", "shop@okaxis", "upi-payee-name", "")))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "upi-payee-name-error")).isEqualTo("Enter the payee name: UPI needs one with a UPI ID.");
        assertNothingStored(live.current());
    }

    @Test
    void everyChangeAndResetIsInTheAuditLogWithBeforeAndAfter() throws Exception {
        String before = page();
        assertThat(Html.attributeOf(before, "setting-max-width", "value")).isEqualTo("1024");
        assertThat(Html.textOf(before, "max-width-status")).contains("Default, in force", "1024").doesNotContain("Overridden");

        mvc.perform(save(Map.of("max-width", "768", "max-height", "1024", "attempt-timeout", "90s")))
                .andExpect(status().isSeeOther()).andExpect(redirectedUrl("/admin/settings"));

        String after = mvc.perform(get("/admin/settings").with(user(admin))
                        .flashAttr("notice", "shown")).andReturn().getResponse().getContentAsString();
        assertThat(Html.attributeOf(after, "setting-max-width", "value")).isEqualTo("768");
        assertThat(Html.attributeOf(after, "setting-attempt-timeout", "value")).isEqualTo("1m30s");
        assertThat(Html.textOf(after, "max-width-status")).contains("Overridden", "1024", "text2image.generation.max-width");
        assertThat(Html.tagOf(after, "reset-max-width")).isNotNull();
        assertThat(Html.tagOf(after, "reset-max-height")).as("an unchanged setting is not overridden").isNull();
        assertThat(audit()).containsExactly(
                "SETTING_CHANGED|max-width = 1024|max-width = 768",
                "SETTING_CHANGED|attempt-timeout = 5m|attempt-timeout = 1m30s");

        mvc.perform(post("/admin/settings/reset").with(csrf()).with(user(admin)).param("name", "max-width"))
                .andExpect(status().isSeeOther());
        mvc.perform(post("/admin/settings/reset").with(csrf()).with(user(admin)).param("name", "no-such-setting"))
                .andExpect(status().isUnprocessableContent());

        assertThat(live.current().maxWidth()).isEqualTo(1024);
        assertThat(Html.textOf(page(), "max-width-status")).contains("Default, in force");
        assertThat(audit()).hasSize(3).last().isEqualTo("SETTING_RESET|max-width = 768|max-width = 1024 (default)");
    }

    @Test
    void htmlAndScriptInTheAnnouncementAreShownEscapedOnEveryPage() throws Exception {
        editor.change(admin.id(), Map.of("announcement",
                "**Maintenance** tonight <script>alert(1)</script> <b>bold</b> [click](javascript:alert(2))"));

        for (String html : List.of(
                mvc.perform(get("/generate").with(user(alice))).andReturn().getResponse().getContentAsString(),
                mvc.perform(get("/login")).andReturn().getResponse().getContentAsString())) {
            String banner = Html.tagOf(html, "announcement");
            assertThat(banner).isNotNull();
            String inner = html.substring(html.indexOf("id=\"announcement\""), html.indexOf("</aside>"));
            assertThat(inner).contains("<strong>Maintenance</strong>", "&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;b&gt;bold")
                    .doesNotContain("<script", "<b>", "javascript:");
        }
        editor.change(admin.id(), Map.of("announcement", ""));
        assertThat(Html.tagOf(mvc.perform(get("/login")).andReturn().getResponse().getContentAsString(), "announcement"))
                .as("no banner without an announcement").isNull();
    }

    @Test
    void theSettingsPageDoesNotExistForAUserAndAsksAnonymousToSignIn() throws Exception {
        mvc.perform(get("/admin/settings").with(user(alice))).andExpect(status().isNotFound());
        mvc.perform(post("/admin/settings").with(csrf()).with(user(alice)).param("max-width", "768"))
                .andExpect(status().isNotFound());
        mvc.perform(post("/admin/settings/reset").with(csrf()).with(user(alice)).param("name", "max-width"))
                .andExpect(status().isNotFound());
        mvc.perform(get("/admin/settings")).andExpect(status().is3xxRedirection())
                .andExpect(redirectedUrl("/login"));
        mvc.perform(post("/admin/settings").with(csrf()).param("max-width", "768")).andExpect(status().is3xxRedirection());
        assertThat(live.current().maxWidth()).isEqualTo(1024);
        assertThat(count("app_setting")).isZero();
    }

    private MockHttpServletRequestBuilder save(Map<String, String> form) {
        MockHttpServletRequestBuilder request = post("/admin/settings").with(csrf()).with(user(admin));
        form.forEach(request::param);
        return request;
    }

    private String page() throws Exception {
        return mvc.perform(get("/admin/settings").with(user(admin))).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
    }

    private void assertNothingStored(Settings before) {
        assertThat(count("app_setting")).as("no override stored").isZero();
        assertThat(count("admin_audit")).as("no audit row").isZero();
        assertThat(live.current()).isEqualTo(before);
    }

    private long count(String table) {
        return db.jdbc().sql("SELECT count(*) FROM " + table).query(Long.class).single();
    }

    private List<String> audit() {
        return db.jdbc().sql("SELECT action || '|' || before_state || '|' || after_state FROM admin_audit ORDER BY id")
                .query(String.class).list();
    }
}
