package org.text2image.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.text2image.server.account.AccountService;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestDatabase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Worker API bodies that are well-formed JSON but not the expected object: a 400 problem, never a 500. */
@IntegrationTest
class MalformedApiRequestsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort int port;
    @Autowired AccountService accounts;
    @Autowired GenerationService generation;
    @Autowired TestDatabase db;

    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() {
        db.clean();
    }

    @Test
    void aJsonNullBodyIsA400ProblemForEveryCallAndRecordsNothing() throws Exception {
        long user = accounts.register("api@example.com", "correct horse").id();
        UUID job = generation.submit(user, GenerationRequest.ofPrompt("a cat")).id();
        for (String path : new String[] {"/claim", "/claim/cancel", "/jobs/" + job + "/heartbeat", "/jobs/" + job + "/fail",
                "/jobs/" + job + "/handback"}) {
            HttpResponse<String> response = post(path, "null");

            assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(400);
            JsonNode problem = JSON.readTree(response.body());
            assertThat(problem.get("retryable").asBoolean()).isFalse();
            assertThat(problem.get("detail").asString()).isNotBlank();
        }
        assertThat(db.jdbc().sql("SELECT count(*) FROM worker_presence").query(Long.class).single()).isZero();
        assertThat(db.jdbc().sql("SELECT status FROM generation_job").query(String.class).single()).isEqualTo("QUEUED");
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/worker/v1" + path))
                .header("Authorization", "Bearer test-worker-token").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
