package org.text2image.server.help;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.catalog.Model;
import org.text2image.server.credits.Credits;
import org.text2image.server.generation.GenerationLimits;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.payments.Packs;
import org.text2image.server.pricing.Pricing;
import org.text2image.server.settings.LiveSettings;
import org.text2image.server.settings.Settings;
import org.text2image.server.settings.SettingsEditor;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/**
 * The Help page states the site's current numbers (settings, catalog, pricing, packs), and the
 * privacy and terms pages show the admins' Markdown escaped, with their edits audited.
 */
@PageTest
class HelpPagesTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired LiveSettings settings;
    @Autowired SettingsEditor editor;
    @Autowired GenerationService generation;
    @Autowired Pricing pricing;
    @Autowired Packs packs;
    @Autowired TestDatabase db;

    SignedInUser admin;
    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        admin = TestAccounts.admin(accounts, db, "admin@example.com");
        alice = accounts.register("alice@example.com", "correct horse");
    }

    @AfterEach
    void restoreSettings() {
        for (String key : List.of("max-width", "signup-credits", "attempt-timeout", "automatic-retries", "support-email",
                "upi-vpa")) {
            editor.reset(admin.id(), key);
        }
    }

    @Test
    void theHelpPageStatesTheSitesNumbersAndIsOpenToVisitors() throws Exception {
        String html = mvc.perform(get("/help")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        GenerationLimits limits = generation.limits();
        Settings live = settings.current();

        assertThat(Html.textOf(html, "faq-signup")).contains(Credits.format(live.signupCredits()) + " for free");
        assertThat(Html.textOf(html, "faq-sizes")).contains("Width from " + limits.minSize() + " to " + limits.maxWidth()
                + " pixels and height from " + limits.minSize() + " to " + limits.maxHeight() + " pixels", "Multiples of 64");
        assertThat(Html.textOf(html, "faq-retries")).contains("up to " + live.automaticRetries() + " more times",
                "(" + live.maxAttempts() + " tries in all)");
        assertThat(Html.textOf(html, "faq-timeout")).contains("at most " + live.attemptTimeout().toMinutes() + " minutes");
        String models = Html.textOf(html, "faq-models");
        for (Model model : generation.models()) {
            long largest = pricing.price(model, limits.maxWidth(), limits.maxHeight(), 1).totalCredits();
            assertThat(models).contains(model.name() + " ", Credits.format(model.costCredits()) + " at " + model.width()
                    + " × " + model.height(), Credits.format(largest) + " at " + limits.maxWidth() + " × " + limits.maxHeight());
        }
        String packTable = Html.textOf(html, "faq-packs");
        packs.all().forEach(pack -> assertThat(packTable).contains(pack.name(), pack.price()));
        assertThat(Html.textOf(html, "faq-upi-expiry")).contains("within 24 hours");
        assertThat(html).contains("id=\"upi\"").as("no card payments without Stripe keys").doesNotContain("id=\"cards\"");
    }

    @Test
    void theHelpPageFollowsALiveSettingsChangeAtOnce() throws Exception {
        editor.change(admin.id(), Map.of("max-width", "768", "signup-credits", "50", "attempt-timeout", "2m",
                "automatic-retries", "1", "support-email", "help@example.com"));

        String html = mvc.perform(get("/help")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "faq-signup")).contains("50 credits for free");
        assertThat(Html.textOf(html, "faq-sizes")).contains("Width from 64 to 768 pixels");
        assertThat(Html.textOf(html, "faq-timeout")).contains("at most 2 minutes");
        assertThat(Html.textOf(html, "faq-retries")).contains("up to once more (2 tries in all)");
        assertThat(Html.textOf(html, "faq-models")).as("sd15: 768 × 1024 covers 3 of its 512 × 512, rounded up")
                .contains("1 credit at 512 × 512 3 credits at 768 × 1024");
        assertThat(Html.attributeOf(html, "faq-email", "href")).isEqualTo("mailto:help@example.com");
        String support = mvc.perform(get("/support").with(user(alice))).andReturn().getResponse().getContentAsString();
        assertThat(Html.textOf(support, "support-email")).isEqualTo("help@example.com");
    }

    @Test
    void packsWithoutAWayToPaySayNoneYetAndTheUpiStepsGo() throws Exception {
        editor.change(admin.id(), Map.of("upi-vpa", ""));

        String html = mvc.perform(get("/help")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "faq-packs")).contains("None yet: no way to pay is set up");
        assertThat(html).doesNotContain("id=\"upi\"");
    }

    @Test
    void thePrivacyPageStatesByDefaultWhoSeesWhatAndHowItIsDeleted() throws Exception {
        String text = Html.text(mvc.perform(get("/privacy")).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString());

        assertThat(text).contains("visible only to you and to the site's admins", "do not share",
                "checks that the person asking is the image's owner or an admin",
                "your images, prompts, support conversation and the mails to you are removed");
        assertThat(mvc.perform(get("/terms")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString())
                .contains("<h1>Terms</h1>");
    }

    @Test
    void anAdminsPrivacyMarkdownIsRenderedWithHtmlEscapedAndTheEditIsAudited() throws Exception {
        mvc.perform(post("/admin/pages/privacy").with(csrf()).with(user(admin)).param("markdown",
                "# Our privacy\n\n**kept** [click](javascript:alert(3))\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>"))
                .andExpect(status().isSeeOther());

        String html = mvc.perform(get("/privacy")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        String article = html.substring(html.indexOf("id=\"document-text\""));
        assertThat(article).contains("<h1>Our privacy</h1>", "&lt;script&gt;alert(1)&lt;/script&gt;", "<strong>kept</strong>")
                .doesNotContain("<script>alert", "<img", "href=\"javascript");
        assertThat(db.jdbc().sql("SELECT action FROM admin_audit WHERE admin_id = ?").params(admin.id())
                .query(String.class).list()).containsExactly("SITE_PAGE_EDITED");

        mvc.perform(post("/admin/pages/privacy/reset").with(csrf()).with(user(admin))).andExpect(status().isSeeOther());
        assertThat(Html.text(mvc.perform(get("/privacy")).andReturn().getResponse().getContentAsString()))
                .contains("visible only to you and to the site's admins");
    }

    @Test
    void anEmptyOrOverlongPrivacyTextIsRefusedAndChangesNothing() throws Exception {
        for (String markdown : new String[] {"  ", "x".repeat(50_001)}) {
            String html = mvc.perform(post("/admin/pages/privacy").with(csrf()).with(user(admin)).param("markdown", markdown))
                    .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
            assertThat(Html.textOf(html, "markdown-error")).isNotBlank();
        }
        mvc.perform(post("/admin/pages/terms").with(csrf()).with(user(alice)).param("markdown", "mine"))
                .andExpect(status().isNotFound());
        assertThat(db.jdbc().sql("SELECT count(*) FROM site_document").query(Long.class).single()).isZero();
        assertThat(db.jdbc().sql("SELECT count(*) FROM admin_audit").query(Long.class).single()).isZero();
    }

    @Test
    void everyPageLinksHelpPrivacyAndTermsInItsFooter() throws Exception {
        String html = mvc.perform(get("/login")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(Html.attributeOf(html, "footer-help", "href")).isEqualTo("/help");
        assertThat(Html.attributeOf(html, "footer-privacy", "href")).isEqualTo("/privacy");
        assertThat(Html.attributeOf(html, "footer-terms", "href")).isEqualTo("/terms");
        assertThat(Html.attributeOf(html, "nav-help", "href")).isEqualTo("/help");
    }
}
