package org.text2image.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountProperties;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;

@PageTest
class PagesTest {

    @Autowired MockMvc mvc;
    @Autowired AccountProperties signup;
    @Autowired AccountService accounts;
    @Autowired TestDatabase db;
    @LocalServerPort int port;

    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse");
    }

    @Test
    void landingPageInvitesVisitorsToSignUpOrSignIn() throws Exception {
        String html = mvc.perform(get("/")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(Html.text(html)).contains("Turn words into images.");
        assertThat(Html.attributeOf(html, "sign-up", "href")).isEqualTo("/register");
        assertThat(Html.textOf(html, "sign-up")).as("the configured signup credits")
                .isEqualTo("Sign up — " + signup.signupCredits() + " free credits");
        assertThat(Html.attributeOf(html, "sign-in", "href")).isEqualTo("/login");
        assertThat(html).doesNotContain("id=\"balance\"").doesNotContain("id=\"sign-out\"");
    }

    @Test
    void signedInUsersGoFromTheLandingPageToGenerate() throws Exception {
        mvc.perform(get("/").with(user(alice))).andExpect(redirectedUrl("/generate"));
    }

    @Test
    void adminsGetOneAdminLinkInTheHeaderAndUsersNone() throws Exception {
        SignedInUser admin = TestAccounts.admin(accounts, db, "admin@example.com");
        String html = mvc.perform(get("/admin/payments").with(user(admin))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();

        assertThat(Html.attributeOf(html, "nav-admin", "href")).isEqualTo("/admin");
        assertThat(Html.attributeOf(html, "nav-admin", "aria-current")).isEqualTo("page");
        String header = html.substring(html.indexOf("<header"), html.indexOf("</header>"));
        assertThat(header).doesNotContain("href=\"/admin/workers\"").doesNotContain("href=\"/admin/outbox\"");
        assertThat(Html.attributeOf(html, "menu-toggle", "aria-controls")).isEqualTo("site-menu");
        assertThat(Html.attributeOf(html, "menu-toggle", "aria-expanded")).isEqualTo("false");
        String generate = mvc.perform(get("/generate").with(user(alice))).andReturn().getResponse().getContentAsString();
        assertThat(generate).doesNotContain("nav-admin");
    }

    @Test
    void theThemeScriptRunsBeforeTheStylesheetAndThePageOffersBothColourSchemes() throws Exception {
        String html = mvc.perform(get("/login")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        String head = html.substring(0, html.indexOf("</head>"));

        assertThat(head).contains("<meta name=\"color-scheme\" content=\"light dark\">");
        assertThat(head).containsPattern("<script src=\"/js/theme.js\"></script>");
        assertThat(head.indexOf("/js/theme.js")).as("not deferred, before the stylesheet").isLessThan(head.indexOf("/css/app.css"));
        assertThat(Html.tagOf(html, "theme-toggle")).contains("hidden");
    }

    @Test
    void layoutShowsNavBalanceAndSignOutWithCsrf() throws Exception {
        String html = mvc.perform(get("/credits").with(user(alice))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(Html.text(html)).contains("Text2Image");
        assertThat(Html.attributeOf(html, "nav-generate", "href")).isEqualTo("/generate");
        assertThat(Html.attributeOf(html, "nav-history", "href")).isEqualTo("/history");
        assertThat(Html.textOf(html, "balance")).isEqualTo("20 credits");
        assertThat(html).containsPattern("(?s)<form[^>]*action=\"/logout\"[^>]*method=\"post\".*?name=\"_csrf\"");
        assertThat(html).contains("href=\"/css/app.css\"");
        Matcher htmx = Pattern.compile("<script src=\"(/webjars/htmx.org/[^\"]*htmx.min.js)\"").matcher(html);
        assertThat(htmx.find()).as("the layout loads htmx from the webjar").isTrue();
        mvc.perform(get(htmx.group(1))).andExpect(status().isOk());
    }

    @Test
    void servesHtmxAndTheStylesheetWithoutSigningIn() throws Exception {
        String htmx = mvc.perform(get("/webjars/htmx.org/dist/htmx.min.js")).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(htmx).contains("htmx");
        mvc.perform(get("/css/app.css")).andExpect(status().isOk());
    }

    @Test
    void anonymousVisitorsAreSentToSignIn() throws Exception {
        for (String page : new String[] {"/generate", "/history", "/credits", "/jobs/" + java.util.UUID.randomUUID()}) {
            mvc.perform(get(page)).andExpect(status().is3xxRedirection())
                    .andExpect(result -> assertThat(result.getResponse().getRedirectedUrl()).endsWith("/login"));
        }
    }

    @Test
    void anHtmxPollAfterTheSessionEndedLoadsTheSignInPageWhole() throws Exception {
        mvc.perform(get("/jobs/" + java.util.UUID.randomUUID() + "/status").header("HX-Request", "true"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("HX-Redirect", "/login"));
    }

    @Test
    void unknownPathShowsTheFriendlyNotFoundPageInTheLayout() throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String loginPage = browser.send(HttpRequest.newBuilder(url("/login")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(loginPage);
        assertThat(csrf.find()).isTrue();
        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(url("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=alice%40example.com&password=correct+horse&_csrf="
                        + csrf.group(1))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/generate"));

        HttpResponse<String> missing = browser.send(HttpRequest.newBuilder(url("/no-such-page"))
                .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(Html.text(missing.body())).contains("We can't find that page");
        assertThat(Html.textOf(missing.body(), "balance")).isEqualTo("20 credits");
        HttpResponse<String> askingForJson = browser.send(HttpRequest.newBuilder(url("/no-such-page"))
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(askingForJson.statusCode()).isEqualTo(404);
        assertThat(Html.text(askingForJson.body())).as("a page path answers with a page, whatever the client accepts")
                .contains("We can't find that page");
    }

    private URI url(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
