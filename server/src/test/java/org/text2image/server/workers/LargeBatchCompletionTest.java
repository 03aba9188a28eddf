package org.text2image.server.workers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.support.Images;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.worker.api.WorkerApiLimits;
import tools.jackson.databind.json.JsonMapper;

/**
 * A completion with as many images as the worker API allows gets through the servlet container
 * (whose own multipart part limit is raised to fit it) and is stored whole.
 */
@IntegrationTest
@TestPropertySource(properties = "text2image.generation.max-batch-size=" + WorkerApiLimits.MAX_IMAGES_PER_COMPLETION)
class LargeBatchCompletionTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort int port;
    @Autowired GenerationService generation;
    @Autowired AccountService accounts;
    @Autowired CreditLedger ledger;
    @Autowired CreditStatements statements;
    @Autowired TestDatabase db;

    final HttpClient http = HttpClient.newHttpClient();
    long user;

    @BeforeEach
    void setUp() {
        db.clean();
        user = accounts.register("batch@example.com", "correct horse").id();
        ledger.grant(user, 1_000, "test:batch", "Credits for a large batch");
    }

    @Test
    void aCompletionWithTheMostImagesTheApiAllowsIsStoredWhole() throws Exception {
        int images = WorkerApiLimits.MAX_IMAGES_PER_COMPLETION;
        UUID job = generation.submit(user, new GenerationRequest("modelfree", "many", null, 64, 64, images,
                null, null, null, null, null)).id();
        HttpResponse<String> claim = send("/claim", "application/json",
                ("{\"workerName\": \"gpu-1\", \"backendReachable\": true, \"checkpoints\": [\"" + TestCatalog.SD15 + "\"]}")
                        .getBytes());
        int attempt = JSON.readTree(claim.body()).get("attempt").asInt();

        HttpResponse<String> complete = send("/jobs/" + job + "/complete", "multipart/form-data; boundary=b",
                WorkerApiHttpTest.completionBody("b", attempt, Collections.nCopies(images, Images.png(64, 64))));

        assertThat(complete.statusCode()).as(complete.body()).isEqualTo(200);
        assertThat(db.jdbc().sql("SELECT count(*) FROM job_image WHERE job_id = ?").params(job).query(Long.class).single())
                .isEqualTo(images);
        assertThat(db.jdbc().sql("SELECT status FROM generation_job").query(String.class).single()).isEqualTo("SUCCEEDED");
    }

    private HttpResponse<String> send(String path, String contentType, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/worker/v1" + path))
                .header("Authorization", "Bearer test-worker-token").header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
