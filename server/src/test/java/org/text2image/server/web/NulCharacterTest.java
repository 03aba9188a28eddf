package org.text2image.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.text2image.server.account.AccountService;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Text with a NUL character (U+0000), which PostgreSQL cannot store, over real HTTP: every way in
 * is a 4xx with a clear message and writes nothing; the worker API answers with problem details,
 * pages with the site's error page.
 */
@IntegrationTest
class NulCharacterTest {

    /** A JSON string escape for NUL, as a hostile worker sends it. */
    private static final String JSON_NUL = "\\u0000";
    private static final String NUL = "\0";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort int port;
    @Autowired AccountService accounts;
    @Autowired GenerationService generation;
    @Autowired TestDatabase db;

    long alice;
    BrowserSession admin;

    @BeforeEach
    void setUp() throws Exception {
        db.clean();
        db.jdbc().sql("TRUNCATE worker_token, admin_audit RESTART IDENTITY CASCADE").update();
        alice = accounts.register("alice@example.com", "correct horse").id();
        TestAccounts.admin(accounts, db, "admin@example.com");
        admin = new BrowserSession(port).signIn("admin@example.com", "correct horse");
    }

    @Test
    void aFailReasonWithNulIsA400ProblemAndTheJobStaysLeasedAsItWas() throws Exception {
        UUID job = generation.submit(alice, GenerationRequest.ofPrompt("a cat")).id();
        JsonNode claimed = JSON.readTree(worker("/claim", claimBody("gpu-1")).body());
        Map<String, Object> before = jobRow(job);

        HttpResponse<String> fail = worker("/jobs/" + job + "/fail", """
                {"attempt": %d, "reason": "CUDA out of memory%s", "retryable": true}"""
                .formatted(claimed.get("attempt").asInt(), JSON_NUL));

        assertIsProblem(fail, "reason");
        assertThat(jobRow(job)).as("status, attempt, lease, error unchanged").isEqualTo(before);
        assertThat(before.get("status")).isEqualTo("RUNNING");
    }

    @Test
    void aClaimWithNulInTheWorkerNameOrACheckpointIsA400ProblemAndLeasesNothing() throws Exception {
        UUID job = generation.submit(alice, GenerationRequest.ofPrompt("a cat")).id();
        Map<String, Object> before = jobRow(job);

        assertIsProblem(worker("/claim", claimBody("gpu" + JSON_NUL + "1")), "workerName");
        assertIsProblem(worker("/claim", """
                {"workerName": "gpu-1", "backendReachable": true, "checkpoints": ["sd15.safetensors", "x%s"]}"""
                .formatted(JSON_NUL)), "checkpoints[1]");
        assertIsProblem(worker("/claim/cancel", "{\"workerName\": \"gpu" + JSON_NUL + "\"}"), "workerName");

        assertThat(jobRow(job)).isEqualTo(before);
        assertThat(count("SELECT count(*) FROM worker_presence")).isZero();
    }

    @Test
    void otherWorkerCallsWithNulAreA400ProblemAndChangeNothing() throws Exception {
        UUID job = generation.submit(alice, GenerationRequest.ofPrompt("a cat")).id();
        int attempt = JSON.readTree(worker("/claim", claimBody("gpu-1")).body()).get("attempt").asInt();
        Map<String, Object> before = jobRow(job);

        assertIsProblem(worker("/jobs/" + job + "/handback",
                "{\"attempt\": " + attempt + ", \"reason\": \"stop" + JSON_NUL + "\"}"), "reason");
        HttpResponse<String> queryParameter = admin.send(HttpRequest.newBuilder(
                        admin.url("/api/worker/v1/jobs/" + job + "/preview?attempt=1%00"))
                .header("Authorization", "Bearer test-worker-token").header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1})).build());
        assertIsProblem(queryParameter, "NUL");

        assertThat(jobRow(job)).isEqualTo(before);
    }

    @Test
    void aWorkerTokenNameWithNulIsA400PageAndCreatesNoToken() throws Exception {
        admin.readCsrf("/admin/workers");

        HttpResponse<String> response = admin.post("/admin/workers/tokens", Map.of("name", "gpu" + NUL + "1"));

        assertIsRefusedPage(response);
        assertThat(count("SELECT count(*) FROM worker_token")).isZero();
        assertThat(count("SELECT count(*) FROM admin_audit")).isZero();
    }

    @Test
    void aRegistrationEmailWithNulIsA400PageAndCreatesNoAccount() throws Exception {
        BrowserSession visitor = new BrowserSession(port);
        visitor.readCsrf("/register");

        HttpResponse<String> response = visitor.post("/register",
                Map.of("email", "eve" + NUL + "@example.com", "password", "correct horse"));

        assertIsRefusedPage(response);
        assertThat(count("SELECT count(*) FROM app_user")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM credit_account")).isEqualTo(2);
    }

    @Test
    void aQueryParameterWithNulIsA400Page() throws Exception {
        for (String path : new String[] {"/generate?from=%00", "/history?page=1%00", "/history?x%00=1", "/login?error%00"}) {
            HttpResponse<String> response = admin.get(path);

            assertThat(response.statusCode()).as(path).isEqualTo(400);
            assertIsRefusedPage(response);
        }
    }

    @Test
    void everyOtherStoredTextOfTheSiteRefusesNulWithA4xx() throws Exception {
        long ledgerRows = count("SELECT count(*) FROM ledger_entry");
        admin.readCsrf("/generate");
        assertIsRefusedPage(admin.post("/generate", Map.of("prompt", "a cat" + NUL)));
        assertIsRefusedPage(admin.post("/generate", Map.of("prompt", "a cat", "negativePrompt", NUL)));
        admin.readCsrf("/admin/credits");
        assertIsRefusedPage(admin.post("/admin/credits",
                Map.of("email", "alice@example.com", "amount", "5", "reason", "goodwill" + NUL)));
        assertIsRefusedPage(admin.post("/admin/credits",
                Map.of("email", "alice" + NUL + "@example.com", "amount", "5", "reason", "goodwill")));
        BrowserSession visitor = new BrowserSession(port);
        visitor.readCsrf("/login");
        assertIsRefusedPage(visitor.post("/login", Map.of("username", "alice" + NUL + "@example.com", "password", "x")));
        assertIsRefusedPage(visitor.post("/login", Map.of("username", "alice@example.com", "password", NUL)));

        assertThat(count("SELECT count(*) FROM generation_job")).isZero();
        assertThat(count("SELECT count(*) FROM ledger_entry")).isEqualTo(ledgerRows);
        assertThat(count("SELECT count(*) FROM admin_audit")).isZero();
    }

    private void assertIsRefusedPage(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(Html.textOf(response.body(), "error-message")).contains("NUL character");
    }

    private static void assertIsProblem(HttpResponse<String> response, String mentioned) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("retryable").asBoolean()).isFalse();
        assertThat(problem.get("detail").asString()).contains("NUL").contains(mentioned);
    }

    private Map<String, Object> jobRow(UUID job) {
        return db.jdbc().sql("""
                SELECT status, attempt, worker_name, lease_expires_at, attempt_deadline_at, last_error, finished_at
                FROM generation_job WHERE id = ?""").params(job).query().singleRow();
    }

    private long count(String sql) {
        return db.jdbc().sql(sql).query(Long.class).single();
    }

    private static String claimBody(String workerName) {
        return "{\"workerName\": \"" + workerName + "\", \"backendReachable\": true, \"checkpoints\": [\"" + TestCatalog.SD15 + "\"]}";
    }

    private HttpResponse<String> worker(String path, String json) throws Exception {
        return admin.send(HttpRequest.newBuilder(admin.url("/api/worker/v1" + path))
                .header("Authorization", "Bearer test-worker-token").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }
}
