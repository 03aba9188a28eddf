package org.text2image.server.api.developers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.api.ApiKey;
import org.text2image.server.api.ApiKeys;
import org.text2image.server.api.ApiScope;
import org.text2image.server.support.Races;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.BrowserSession;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/**
 * The Developers page over real HTTP, with a real session (flash attributes, the form's one-time
 * key): a new key's secret is shown once after the redirect and works against the API, a form sent
 * twice (one after the other, or at the same moment) makes one key, refused input is shown beside
 * its field and creates nothing, the limit of ten keys is shown and kept, and a key is revoked only
 * by its owner.
 */
@PageTest
class DevelopersPageTest {

    private static final Pattern FORM_KEY = Pattern.compile("name=\"formKey\" value=\"([^\"]+)\"");
    private static final Pattern SECRET = Pattern.compile("id=\"new-key-secret\"[^>]*value=\"(t2i_[A-Za-z0-9_-]{43})\"");

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired ApiKeys keys;
    @Autowired TestDatabase db;
    @LocalServerPort int port;

    SignedInUser alice;
    BrowserSession browser;

    @BeforeEach
    void setUp() throws Exception {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse battery");
        browser = new BrowserSession(port).signIn("alice@example.com", "correct horse battery");
    }

    @Test
    void aNewKeyIsShownOnceAfterTheRedirectAndWorksAgainstTheApi() throws Exception {
        String formKey = formKey(browser.readCsrf("/developers").body());
        HttpResponse<String> created = create(Map.of("name", "  my script ", "scopes", "read", "formKey", formKey));
        assertThat(created.statusCode()).isEqualTo(303);
        assertThat(created.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/developers"));

        String shown = browser.get("/developers").body();
        String secret = secret(shown);
        assertThat(secret).as("the secret on the page after the redirect").isNotNull();
        assertThat(Html.textOf(shown, "notice")).isEqualTo("Key “my script” created. Copy it now: it is not shown again.");
        assertThat(Html.text(shown)).contains("Copy it now: it will not be shown again.");
        assertThat(Html.tagOf(shown, "copy-new-key")).contains("data-copy-target=\"new-key-secret\"");
        ApiKey key = keys.list(alice.id()).getFirst();
        assertThat(keys.list(alice.id())).hasSize(1);
        assertThat(key.name()).isEqualTo("my script");
        assertThat(key.scopes()).containsExactly(ApiScope.READ);
        assertThat(secret).startsWith(key.prefix());
        assertThat(Html.textOf(shown, "key-" + key.id())).contains("my script", key.prefix() + "…", "read", "never")
                .doesNotContain(secret);

        String again = browser.get("/developers").body();
        assertThat(secret(again)).as("not shown a second time").isNull();
        assertThat(again).doesNotContain(secret);
        assertThat(db.jdbc().sql("SELECT count(*) FROM api_key WHERE prefix = ? AND secret_hash = sha256(convert_to(?, 'UTF8'))")
                .params(key.prefix(), secret).query(Long.class).single()).as("only the hash is kept").isEqualTo(1);

        assertThat(balance(secret).statusCode()).isEqualTo(200);
    }

    @Test
    void theLastUseOfAKeyIsShownWithItsTimeAndAddress() throws Exception {
        String secret = keys.create(alice.id(), "cron", EnumSet.of(ApiScope.READ)).secret();
        long id = keys.list(alice.id()).getFirst().id();
        assertThat(Html.textOf(browser.get("/developers").body(), "key-" + id)).contains("Last used never");

        assertThat(balance(secret).statusCode()).isEqualTo(200);

        String page = browser.get("/developers").body();
        assertThat(Html.textOf(page, "key-" + id)).doesNotContain("never").containsPattern("Last used .*2\\d{3}.* from 127\\.0\\.0\\.1");
    }

    @Test
    void theSameFormSentTwiceOneAfterTheOtherCreatesOneKeyAndShowsItsSecretOnce() throws Exception {
        String formKey = formKey(browser.readCsrf("/developers").body());
        Map<String, String> form = Map.of("name", "twice", "scopes", "generate", "formKey", formKey);
        assertThat(create(form).statusCode()).isEqualTo(303);
        assertThat(create(form).statusCode()).isEqualTo(303);
        assertThat(keys.list(alice.id())).hasSize(1);

        List<String> pages = List.of(browser.get("/developers").body(), browser.get("/developers").body(),
                browser.get("/developers").body());
        assertThat(pages.stream().filter(page -> secret(page) != null)).as("the secret is shown on one page").hasSize(1);

        assertThat(create(form).statusCode()).as("sent again after it was shown").isEqualTo(303);
        String after = browser.get("/developers").body();
        assertThat(secret(after)).isNull();
        assertThat(Html.textOf(after, "notice")).isEqualTo("This form was already sent: the key “twice” was created "
                + "once, and its secret was shown then.");
        assertThat(keys.list(alice.id())).hasSize(1);
    }

    @Test
    void theSameFormSentFiveTimesAtOnceCreatesOneKey() throws Exception {
        String formKey = formKey(browser.readCsrf("/developers").body());
        Map<String, String> form = Map.of("name", "double click", "scopes", "read", "formKey", formKey);

        List<HttpResponse<String>> answers = Races.race(5, () -> create(form));

        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(303);
        assertThat(keys.list(alice.id())).hasSize(1);
        String page = browser.get("/developers").body();
        assertThat(secret(page)).as("the browser, following the last redirect, sees the secret").isNotNull();
        assertThat(secret(browser.get("/developers").body())).isNull();
    }

    @Test
    void aFormKeyThatWasNeverIssuedCreatesNothing() throws Exception {
        browser.readCsrf("/developers");
        HttpResponse<String> answer = create(Map.of("name", "forged", "scopes", "read", "formKey", "AAAAAAAAAAAAAAAAAAAAAA"));
        assertThat(answer.statusCode()).isEqualTo(303);
        assertThat(Html.textOf(browser.get("/developers").body(), "alert")).startsWith("This form was already sent");
        assertThat(create(Map.of("name", "no key", "scopes", "read")).statusCode()).isEqualTo(303);
        assertThat(keys.list(alice.id())).isEmpty();
    }

    @Test
    void anotherUserSendingAUsedFormKeyGetsNeitherAKeyNorItsSecret() throws Exception {
        String formKey = formKey(browser.readCsrf("/developers").body());
        assertThat(create(Map.of("name", "alice's", "scopes", "read", "formKey", formKey)).statusCode()).isEqualTo(303);
        SignedInUser bob = accounts.register("bob@example.com", "correct horse battery");
        BrowserSession bobsBrowser = new BrowserSession(port).signIn("bob@example.com", "correct horse battery");
        bobsBrowser.readCsrf("/developers");

        HttpResponse<String> answer = bobsBrowser.post("/developers/keys",
                Map.of("name", "bob's", "scopes", "read", "formKey", formKey));

        assertThat(answer.statusCode()).isEqualTo(303);
        String bobsPage = bobsBrowser.get("/developers").body();
        assertThat(secret(bobsPage)).isNull();
        assertThat(Html.textOf(bobsPage, "alert")).startsWith("This form was already sent");
        assertThat(keys.list(bob.id())).isEmpty();
        assertThat(keys.list(alice.id())).hasSize(1);
        assertThat(secret(browser.get("/developers").body())).as("Alice still sees her secret").isNotNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''        | read | name-error   | Give the key a name, such as the tool that will use it.",
            "'   '     | read | name-error   | Give the key a name, such as the tool that will use it.",
            "LONG      | read | name-error   | A key name has at most 60 characters.",
            "BELL      | read | name-error   | A key name cannot contain control characters.",
            "script    | ''   | scopes-error | Pick at least one scope: generate, read, or both.",
            "script    | all  | scopes-error | Pick generate, read, or both."})
    void refusedInputIsShownBesideItsFieldAndCreatesNothing(String name, String scope, String errorId, String message)
            throws Exception {
        String typed = switch (name) {
            case "LONG" -> "k".repeat(61);
            case "BELL" -> "bell\u0007";
            default -> name;
        };
        Map<String, String> form = new HashMap<>(Map.of("name", typed,
                "formKey", formKey(browser.readCsrf("/developers").body())));
        if (!scope.isEmpty()) {
            form.put("scopes", scope);
        }
        HttpResponse<String> answer = create(form);

        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(Html.textOf(answer.body(), errorId)).isEqualTo(message);
        assertThat(Html.textOf(answer.body(), "alert")).isEqualTo("No key was created: correct the fields marked below.");
        assertThat(Html.attributeOf(answer.body(), "key-name", "value")).as("the form keeps what was typed").isEqualTo(typed);
        assertThat(formKey(answer.body())).as("a fresh one-time key").isNotEqualTo(form.get("formKey"));
        assertThat(keys.list(alice.id())).isEmpty();
    }

    @Test
    void aNulCharacterInTheNameIsRefusedAndCreatesNothing() throws Exception {
        String formKey = formKey(browser.readCsrf("/developers").body());
        HttpResponse<String> answer = create(Map.of("name", "nul\0name", "scopes", "read", "formKey", formKey));
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(Html.text(answer.body())).contains("NUL character");
        assertThat(keys.list(alice.id())).isEmpty();
    }

    @Test
    void theEleventhKeyIsRefusedAndThePageSaysWhy() throws Exception {
        for (int i = 1; i <= 9; i++) {
            keys.create(alice.id(), "key " + i, EnumSet.of(ApiScope.READ));
        }
        String page = browser.readCsrf("/developers").body();
        assertThat(Html.textOf(page, "key-count")).isEqualTo("9 of 10 keys in use.");
        String otherTab = formKey(browser.get("/developers").body());
        assertThat(create(Map.of("name", "tenth", "scopes", "read", "formKey", formKey(page))).statusCode()).isEqualTo(303);

        String full = browser.get("/developers").body();
        assertThat(Html.textOf(full, "key-count")).isEqualTo("10 of 10 keys in use.");
        assertThat(Html.textOf(full, "key-limit")).isEqualTo("You have 10 keys, the most there may be. Revoke one you "
                + "no longer use to create another.");
        assertThat(Html.tagOf(full, "create-key-form")).as("no form at the limit").isNull();

        HttpResponse<String> refused = create(Map.of("name", "eleventh", "scopes", "read", "formKey", otherTab));
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(Html.textOf(refused.body(), "alert")).isEqualTo("You have 10 keys, the most there may be. Revoke "
                + "one you no longer use first.");
        assertThat(keys.list(alice.id())).hasSize(10).noneMatch(key -> key.name().equals("eleventh"));
    }

    @Test
    void revokingAKeyRefusesItFromThenAndListsItWithTheRevoked() throws Exception {
        String secret = keys.create(alice.id(), "old laptop", EnumSet.allOf(ApiScope.class)).secret();
        long id = keys.list(alice.id()).getFirst().id();
        String page = browser.readCsrf("/developers").body();
        assertThat(Html.textOf(page, "revoke-" + id)).isEqualTo("Revoke “old laptop”");
        assertThat(Html.attributeOf(page, "webhook-" + id, "href")).isEqualTo("/developers/keys/" + id + "/webhook");

        HttpResponse<String> revoked = browser.post("/developers/keys/" + id + "/revoke", Map.of());
        assertThat(revoked.statusCode()).isEqualTo(303);

        String after = browser.get("/developers").body();
        assertThat(Html.textOf(after, "notice")).isEqualTo("Key “old laptop” revoked: requests with it are refused from now on.");
        assertThat(Html.tagOf(after, "revoked-keys")).isNotNull();
        assertThat(Html.tagOf(after, "revoke-" + id)).as("no revoke button on a revoked key").isNull();
        assertThat(Html.textOf(after, "key-count")).isEqualTo("0 of 10 keys in use.");
        assertThat(keys.find(alice.id(), id).orElseThrow().active()).isFalse();
        assertThat(balance(secret).statusCode()).isEqualTo(401);
    }

    @Test
    void anotherUsersKeyIsNotFoundAndStaysAsItWas() throws Exception {
        SignedInUser bob = accounts.register("bob@example.com", "correct horse battery");
        keys.create(bob.id(), "bob's", EnumSet.of(ApiScope.READ));
        long bobsKey = keys.list(bob.id()).getFirst().id();
        browser.readCsrf("/developers");

        assertThat(browser.post("/developers/keys/" + bobsKey + "/revoke", Map.of()).statusCode()).isEqualTo(404);
        assertThat(browser.post("/developers/keys/987654321/revoke", Map.of()).statusCode()).isEqualTo(404);
        assertThat(keys.find(bob.id(), bobsKey).orElseThrow().active()).isTrue();
        assertThat(browser.get("/developers").body()).doesNotContain("bob&#39;s").doesNotContain("bob's");
    }

    @Test
    void aSignedOutVisitorIsSentToSignInAndCreatesNothing() throws Exception {
        mvc.perform(get("/developers")).andExpect(status().is3xxRedirection()).andExpect(redirectedUrl("/login"));
        mvc.perform(post("/developers/keys").with(csrf()).param("name", "anon").param("scopes", "read"))
                .andExpect(status().is3xxRedirection()).andExpect(redirectedUrl("/login"));
        assertThat(db.jdbc().sql("SELECT count(*) FROM api_key").query(Long.class).single()).isZero();
    }

    @Test
    void theNavigationLeadsToThePageAndTheQuickStartUsesTheSitesAddress() throws Exception {
        String page = browser.get("/developers").body();
        assertThat(Html.attributeOf(page, "nav-developers", "href")).isEqualTo("/developers");
        assertThat(Html.attributeOf(page, "nav-developers", "aria-current")).isEqualTo("page");
        assertThat(Html.textOf(page, "quick-start-balance"))
                .isEqualTo("curl -sS http://localhost:8080/api/v1/balance -H \"Authorization: Bearer $T2I_KEY\"");
        assertThat(Html.textOf(page, "quick-start-submit")).contains("http://localhost:8080/api/v1/jobs",
                "Idempotency-Key: $(uuidgen)");
        assertThat(Html.textOf(page, "quick-start-openai")).contains("from openai import OpenAI",
                "OpenAI(base_url=\"http://localhost:8080/v1\", api_key=os.environ[\"T2I_KEY\"])");
        assertThat(Html.attributeOf(page, "api-reference-link", "href")).isEqualTo("/swagger-ui.html");
        assertThat(Html.attributeOf(page, "openapi-link", "href")).isEqualTo("/v3/api-docs");
        assertThat(Html.attributeOf(browser.get("/generate").body(), "nav-developers", "aria-current")).isNull();
    }

    private HttpResponse<String> create(Map<String, String> form) throws Exception {
        return browser.post("/developers/keys", form);
    }

    private HttpResponse<String> balance(String secret) throws Exception {
        return browser.send(HttpRequest.newBuilder(browser.url("/api/v1/balance"))
                .header("Authorization", "Bearer " + secret).GET().build());
    }

    private static String formKey(String html) {
        Matcher m = FORM_KEY.matcher(html);
        assertThat(m.find()).as("a one-time form key on the page").isTrue();
        return m.group(1);
    }

    private static String secret(String html) {
        Matcher m = SECRET.matcher(html);
        return m.find() ? m.group(1) : null;
    }
}
