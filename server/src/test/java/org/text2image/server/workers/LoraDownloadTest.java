package org.text2image.server.workers;

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
import org.text2image.server.generation.LeasedJob;
import org.text2image.server.generation.TestLoras;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.storage.ImageStore;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.training.LoraModels;
import org.text2image.worker.api.ClaimRequest;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.ClaimedLora;
import org.text2image.worker.api.WorkerApi;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /api/worker/v1/jobs/{id}/loras/{loraId}?attempt=N}: the LoRA file of a job made with
 * one, only for the worker holding that attempt of that job; and the claim naming the job's LoRA
 * and the LoRAs deleted lately.
 */
@IntegrationTest
class LoraDownloadTest {

    private static final String CONFIGURED_TOKEN = "test-worker-token";

    @LocalServerPort int port;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired ImageStore store;
    @Autowired AccountService accounts;
    @Autowired WorkerTokens tokens;
    @Autowired LoraModels loraModels;
    @Autowired TestDatabase db;

    final HttpClient http = HttpClient.newHttpClient();
    final JsonMapper json = JsonMapper.builder().build();
    long owner;
    TestLoras.Lora cat;

    @BeforeEach
    void setUp() {
        db.clean();
        owner = accounts.register("lora@example.com", "correct horse").id();
        cat = TestLoras.create(db, store, owner, "My cat", "sd15");
    }

    private UUID loraJob(TestLoras.Lora lora) {
        return generation.submit(owner, GenerationRequest.ofPrompt("sks cat").withLora(lora.id(), 1.0)).id();
    }

    @Test
    void theWorkerHoldingTheAttemptGetsTheLoraFile() throws Exception {
        UUID jobId = loraJob(cat);
        LeasedJob claimed = queue.claim("gpu-1", TestCatalog.CHECKPOINTS, true).orElseThrow();

        HttpResponse<byte[]> answer = get(jobId, cat.id(), claimed.attempt(), CONFIGURED_TOKEN);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(answer.headers().firstValue("Content-Length")).hasValue(String.valueOf(cat.bytes().length));
        assertThat(answer.body()).isEqualTo(cat.bytes());
    }

    @Test
    void theClaimOverHttpNamesTheJobsLoraToAWorkerThatKeepsLoras() throws Exception {
        UUID jobId = loraJob(cat);
        ClaimRequest plain = new ClaimRequest("gpu-1", true, TestCatalog.CHECKPOINTS);

        assertThat(claim(plain).statusCode()).as("no job for a worker without loras").isEqualTo(204);
        HttpResponse<String> answer = claim(plain.withCapabilities(false, true));

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(answer.body());
        assertThat(body.get("jobId").asString()).isEqualTo(jobId.toString());
        assertThat(body.get("loras").toString()).isEqualTo("[{\"id\":\"" + cat.id() + "\",\"sha256\":\"" + cat.sha256()
                + "\",\"sizeBytes\":" + cat.bytes().length + "}]");
        assertThat(body.toString()).contains(WorkerApi.loraFileName(cat.sha256()));
    }

    @Test
    void theClaimListsTheLorasDeletedLately() {
        TestLoras.Lora dog = TestLoras.create(db, store, owner, "My dog", "sd15");
        loraModels.delete(dog.id(), owner);
        loraJob(cat);

        ClaimedJob wire = WireRecords.claimedJob(queue.claim("gpu-1", TestCatalog.CHECKPOINTS, true).orElseThrow());

        assertThat(wire.loras()).containsExactly(new ClaimedLora(cat.id(), cat.sha256(), cat.bytes().length));
        assertThat(wire.removedLoras()).containsExactly(dog.sha256());
    }

    @Test
    void anotherJobsLoraAStaleAttemptAndAnotherWorkersTokenGetNothing() throws Exception {
        TestLoras.Lora dog = TestLoras.create(db, store, owner, "My dog", "sd15");
        UUID jobId = loraJob(cat);
        LeasedJob claimed = queue.claim("gpu-1", TestCatalog.CHECKPOINTS, true).orElseThrow();
        String othersToken = tokens.create("gpu-2", owner, "lora@example.com").token();

        assertThat(get(jobId, dog.id(), claimed.attempt(), CONFIGURED_TOKEN).statusCode()).as("another LoRA").isEqualTo(404);
        assertThat(get(UUID.randomUUID(), cat.id(), 1, CONFIGURED_TOKEN).statusCode()).as("unknown job").isEqualTo(404);
        assertThat(get(jobId, cat.id(), claimed.attempt() + 1, CONFIGURED_TOKEN).statusCode()).isEqualTo(409);
        assertThat(get(jobId, cat.id(), claimed.attempt(), othersToken).statusCode()).as("another worker").isEqualTo(403);
        assertThat(get(jobId, cat.id(), claimed.attempt(), "t2iw_" + "A".repeat(43)).statusCode()).isEqualTo(401);

        queue.fail(jobId, claimed.attempt(), WorkerIdentity.CONFIGURED, "try again", true);
        assertThat(get(jobId, cat.id(), claimed.attempt(), CONFIGURED_TOKEN).statusCode()).as("ended attempt").isEqualTo(409);
    }

    @Test
    void aJobWithoutALoraHasNoneToFetch() throws Exception {
        UUID jobId = generation.submit(owner, GenerationRequest.ofPrompt("a lighthouse")).id();
        LeasedJob claimed = queue.claim("gpu-1", TestCatalog.CHECKPOINTS, true).orElseThrow();

        assertThat(get(jobId, cat.id(), claimed.attempt(), CONFIGURED_TOKEN).statusCode()).isEqualTo(404);
    }

    @Test
    void theWorkerTheAttemptIsLeasedToMayFetchItWithItsIssuedToken() throws Exception {
        UUID jobId = loraJob(cat);
        String token = tokens.create("gpu-7", owner, "lora@example.com").token();
        LeasedJob claimed = queue.claim("gpu-7", TestCatalog.CHECKPOINTS, true).orElseThrow();

        HttpResponse<byte[]> answer = get(jobId, cat.id(), claimed.attempt(), token);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(cat.bytes());
    }

    private HttpResponse<byte[]> get(UUID jobId, UUID loraId, int attempt, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + WorkerApi.BASE_PATH + "/jobs/" + jobId
                        + "/loras/" + loraId + "?attempt=" + attempt)).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<String> claim(ClaimRequest request) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + WorkerApi.BASE_PATH + "/claim"))
                        .header("Authorization", "Bearer " + CONFIGURED_TOKEN).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(request))).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
