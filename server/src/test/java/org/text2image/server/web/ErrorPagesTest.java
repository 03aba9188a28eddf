package org.text2image.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.text2image.server.account.AccountService;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Malformed requests over real HTTP (MockMvc does not go through the container's error page): a
 * page answers with the site's HTML error page whatever the Accept header, the worker API with
 * problem details; never JSON for a page, never a 500.
 */
@IntegrationTest
class ErrorPagesTest {

    private static final String[] ACCEPT_HEADERS = {"*/*", "application/json", "text/html,*/*;q=0.8", ""};
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort int port;
    @Autowired AccountService accounts;
    @Autowired TestDatabase db;

    BrowserSession browser;

    @BeforeEach
    void setUp() throws Exception {
        db.clean();
        TestAccounts.admin(accounts, db, "admin@example.com");
        browser = new BrowserSession(port).signIn("admin@example.com", "correct horse");
    }

    @Test
    void pageUrlsWithASemicolonGetTheSitesErrorPageWhateverTheClientAccepts() throws Exception {
        for (String path : new String[] {"/history;x=1", "/jobs/abc;jsessionid=1", "/login;x"}) {
            for (String accept : ACCEPT_HEADERS) {
                HttpResponse<String> response = get(path, accept);

                assertThat(response.statusCode()).as(path + " with Accept " + accept).isEqualTo(400);
                assertIsTheSitesErrorPage(response);
                assertThat(Html.textOf(response.body(), "error-message")).contains("does not accept");
            }
        }
        HttpResponse<String> signedIn = browser.get("/history;x=1");
        assertThat(Html.textOf(signedIn.body(), "balance")).as("in the layout, with the header").isEqualTo("20 credits");
    }

    @Test
    void workerApiUrlsWithASemicolonGetProblemDetails() throws Exception {
        for (String path : new String[] {"/api/worker/v1;x/claim", "/api/worker/v1/claim;jsessionid=1"}) {
            HttpResponse<String> response = browser.send(HttpRequest.newBuilder(browser.url(path))
                    .header("Authorization", "Bearer test-worker-token").header("Content-Type", "application/json")
                    .header("Accept", "text/html").POST(HttpRequest.BodyPublishers.ofString("{}")).build());

            assertThat(response.statusCode()).isEqualTo(400);
            assertIsProblem(response, 400, false);
        }
        assertThat(db.jdbc().sql("SELECT count(*) FROM worker_presence").query(Long.class).single())
                .as("no claim was recorded").isZero();
    }

    @Test
    void unknownPagesAreTheNotFoundPageAndUnknownApiPathsAProblem() throws Exception {
        for (String accept : ACCEPT_HEADERS) {
            HttpResponse<String> page = get("/no-such-page", accept);
            assertThat(page.statusCode()).isEqualTo(404);
            assertIsHtml(page);
            assertThat(Html.text(page.body())).contains("We can't find that page");
        }
        HttpResponse<String> errorPageItself = get("/error", "*/*");
        assertThat(errorPageItself.statusCode()).as("the error page asked for directly is not a 500").isEqualTo(404);
        assertIsHtml(errorPageItself);
        HttpResponse<String> api = browser.send(HttpRequest.newBuilder(browser.url("/api/worker/v1/no-such-call"))
                .header("Authorization", "Bearer test-worker-token").header("Accept", "text/html").GET().build());
        assertThat(api.statusCode()).isEqualTo(404);
        assertIsProblem(api, 404, false);
    }

    @Test
    void aWrongMethodOrAMalformedIdInAPageUrlIsAnHtmlPage() throws Exception {
        browser.readCsrf("/admin/workers");
        HttpResponse<String> badTokenId = browser.post("/admin/workers/tokens/abc/revoke", Map.of());
        assertThat(badTokenId.statusCode()).isEqualTo(400);
        assertIsTheSitesErrorPage(badTokenId);
        HttpResponse<String> hugeTokenId = browser.post("/admin/workers/tokens/99999999999999999999/revoke", Map.of());
        assertThat(hugeTokenId.statusCode()).isEqualTo(400);
        assertIsTheSitesErrorPage(hugeTokenId);

        for (String accept : ACCEPT_HEADERS) {
            HttpResponse<String> getOfAForm = get("/jobs/00000000-0000-0000-0000-000000000000/cancel", accept);
            assertThat(getOfAForm.statusCode()).isEqualTo(405);
            assertIsTheSitesErrorPage(getOfAForm);
        }
        HttpResponse<String> eventsAsAPage = get("/jobs/abc/events", "text/html");
        assertThat(eventsAsAPage.statusCode()).isEqualTo(406);
        assertIsTheSitesErrorPage(eventsAsAPage);
        for (String path : new String[] {"/jobs/not-a-uuid", "/jobs/%20", "/history/jobs/zzzz", "/images/-1"}) {
            HttpResponse<String> badId = get(path, "*/*");
            assertThat(badId.statusCode()).as(path).isEqualTo(404);
            assertIsHtml(badId);
        }
    }

    @Test
    void urlsTheServerCannotParseAreRefusedWithoutJsonOrA500() throws Exception {
        String longValue = "a".repeat(6_000);
        for (String path : new String[] {"/jobs/%00", "/history%00", "/%2e%2e/login", "/a%5cb", "/jobs/%2F",
                "/history?page=" + longValue, "/history?page=" + longValue.repeat(3), "/generate?from=" + longValue}) {
            HttpResponse<String> response = get(path, "*/*");

            assertThat(response.statusCode()).as(path.substring(0, Math.min(40, path.length())))
                    .isLessThan(500);
            assertIsHtml(response);
        }
    }

    @Test
    void aSessionCookieThatCannotNameASessionIsIgnored() throws Exception {
        // Spring Session's cookie holds the session id in Base64; these decode to text with NUL and to 60 characters
        for (String cookie : new String[] {"YQBi", Base64.getEncoder().encodeToString("x".repeat(60).getBytes())}) {
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(browser.url("/login"))
                    .header("Cookie", "SESSION=" + cookie).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(Html.text(page.body())).contains("Sign in");

            HttpResponse<String> claim = HttpClient.newHttpClient().send(HttpRequest.newBuilder(browser.url("/api/worker/v1/claim"))
                    .header("Cookie", "SESSION=" + cookie).header("Authorization", "Bearer test-worker-token")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"workerName\": \"gpu-1\", \"backendReachable\": true}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(claim.statusCode()).isEqualTo(204);
        }
    }

    private HttpResponse<String> get(String path, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(browser.url(path)).GET();
        if (!accept.isEmpty()) {
            request.header("Accept", accept);
        }
        return browser.send(request.build());
    }

    private static void assertIsHtml(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(response.body()).doesNotStartWith("{");
    }

    private static void assertIsTheSitesErrorPage(HttpResponse<String> response) {
        assertIsHtml(response);
        assertThat(Html.textOf(response.body(), "go-generate")).as("the site's error page").isEqualTo("Go to Generate");
        assertThat(response.body()).contains("href=\"/css/app.css\"");
    }

    private static void assertIsProblem(HttpResponse<String> response, int status, boolean retryable) {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("retryable").asBoolean()).isEqualTo(retryable);
        assertThat(problem.get("detail").asString()).isNotBlank();
    }
}
