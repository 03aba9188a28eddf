package org.text2image.server.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.support.Images;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Worker tokens issued on /admin/workers, used over real HTTP, and the workers' status on that page. */
@PageTest
class WorkersPageTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String GPU_CLAIM = """
            {"workerName": "gpu-box-1", "backendReachable": true, "checkpoints": ["v1-5-pruned-emaonly.safetensors"],
             "gpuName": "cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync", "vramTotalBytes": 25757220864,
             "vramFreeBytes": 24000000000, "comfyUiVersion": "0.8.0"}""";

    @LocalServerPort int port;
    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired GenerationService generation;
    @Autowired TestDatabase db;

    final HttpClient http = HttpClient.newHttpClient();
    SignedInUser admin;
    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        admin = TestAccounts.admin(accounts, db, "admin@example.com");
        alice = accounts.register("alice@example.com", "correct horse");
    }

    @Test
    void creatingATokenShowsItOnceAndStoresOnlyItsHash() throws Exception {
        String token = createToken("gpu-box-1");

        assertThat(token).startsWith("t2iw_").hasSize(48);
        assertThat(db.jdbc().sql("SELECT token_hash FROM worker_token").query(String.class).single())
                .isEqualTo(WorkerTokens.sha256(token));
        assertThat(db.jdbc().sql("SELECT count(*) FROM worker_token WHERE token_hash LIKE '%' || ? || '%' OR name = ?")
                .params(token.substring(5), token).query(Long.class).single()).isZero();
        String page = mvc.perform(get("/admin/workers").with(user(admin))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(page).doesNotContain(token).contains("gpu-box-1");
        assertThat(Html.attributeOf(page, "nav-admin", "aria-current")).as("the one Admin link is current").isEqualTo("page");
    }

    @Test
    void aWorkerWithACreatedTokenCanClaimOverHttp() throws Exception {
        UUID job = generation.submit(alice.id(), GenerationRequest.ofPrompt("a cat")).id();
        String token = createToken("gpu-box-1");

        HttpResponse<String> claim = claim(GPU_CLAIM, token);

        assertThat(claim.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(claim.body()).get("jobId").asString()).isEqualTo(job.toString());
        assertThat(db.jdbc().sql("SELECT last_used_at IS NOT NULL FROM worker_token").query(Boolean.class).single()).isTrue();
    }

    @Test
    void aTokenSpeaksOnlyForTheWorkerItWasCreatedFor() throws Exception {
        generation.submit(alice.id(), GenerationRequest.ofPrompt("a cat"));
        String token = createToken("gpu-box-2");

        HttpResponse<String> claim = claim(GPU_CLAIM, token); // claims as gpu-box-1
        HttpResponse<String> cancel = send("/claim/cancel", "{\"workerName\": \"gpu-box-1\"}", token);

        assertThat(claim.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(claim.body()).get("detail").asString())
                .contains("created for the worker \"gpu-box-2\"", "--name gpu-box-2");
        assertThat(cancel.statusCode()).isEqualTo(403);
        assertThat(db.jdbc().sql("SELECT status FROM generation_job").query(String.class).single()).isEqualTo("QUEUED");
        assertThat(db.jdbc().sql("SELECT count(*) FROM worker_presence").query(Long.class).single()).isZero();
    }

    @Test
    void anotherWorkersTokenCannotHeartbeatCompleteFailPreviewOrHandBackItsJob() throws Exception {
        UUID job = generation.submit(alice.id(), GenerationRequest.ofPrompt("a cat")).id();
        String owner = createToken("gpu-box-1");
        String intruder = createToken("gpu-box-2");
        int attempt = JSON.readTree(claim(GPU_CLAIM, owner).body()).get("attempt").asInt();
        String jobPath = "/jobs/" + job;

        List<HttpResponse<String>> answers = List.of(
                send(jobPath + "/heartbeat", "{\"attempt\": " + attempt + ", \"step\": 3, \"totalSteps\": 20}", intruder),
                send(jobPath + "/fail", "{\"attempt\": " + attempt + ", \"reason\": \"sabotage\", \"retryable\": false}", intruder),
                send(jobPath + "/handback", "{\"attempt\": " + attempt + ", \"reason\": \"mine now\"}", intruder),
                sendBytes(jobPath + "/preview?attempt=" + attempt, "image/png", Images.png(8, 8), intruder),
                sendBytes(jobPath + "/complete", "multipart/form-data; boundary=b",
                        multipart(attempt, Images.png(8, 8)), intruder));

        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(403);
        assertThat(JSON.readTree(answers.getFirst().body()).get("detail").asString()).contains("leased to another worker");
        assertThat(db.jdbc().sql("SELECT status || '/' || attempt || '/' || progress_step || '/' || worker_name FROM generation_job")
                .query(String.class).single()).isEqualTo("RUNNING/" + attempt + "/0/gpu-box-1");
        assertThat(db.jdbc().sql("SELECT count(*) FROM job_image").query(Long.class).single()).isZero();
        assertThat(db.jdbc().sql("SELECT count(*) FROM job_preview").query(Long.class).single()).isZero();

        HttpResponse<String> ownHeartbeat = send(jobPath + "/heartbeat",
                "{\"attempt\": " + attempt + ", \"step\": 3, \"totalSteps\": 20}", owner);
        assertThat(ownHeartbeat.statusCode()).isEqualTo(200);
    }

    @Test
    void aRevokedTokenIsRefusedAndNoJobChangesState() throws Exception {
        generation.submit(alice.id(), GenerationRequest.ofPrompt("a cat"));
        String token = createToken("gpu-box-1");
        long id = db.jdbc().sql("SELECT id FROM worker_token").query(Long.class).single();
        mvc.perform(post("/admin/workers/tokens/" + id + "/revoke").with(user(admin)).with(csrf()))
                .andExpect(status().is3xxRedirection());

        HttpResponse<String> claim = claim(GPU_CLAIM, token);

        assertThat(claim.statusCode()).isEqualTo(401);
        assertThat(claim.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
        assertThat(db.jdbc().sql("SELECT status FROM generation_job").query(String.class).single()).isEqualTo("QUEUED");
        assertThat(db.jdbc().sql("SELECT count(*) FROM worker_presence").query(Long.class).single()).isZero();
    }

    @Test
    void anUnknownTokenIsRefused() throws Exception {
        generation.submit(alice.id(), GenerationRequest.ofPrompt("a cat"));
        assertThat(claim(GPU_CLAIM, "t2iw_" + "A".repeat(43)).statusCode()).isEqualTo(401);
        assertThat(db.jdbc().sql("SELECT status FROM generation_job").query(String.class).single()).isEqualTo("QUEUED");
    }

    @Test
    void aUserCannotOpenTheWorkersPageNorCreateOrRevokeTokens() throws Exception {
        createToken("gpu-box-1");
        long id = db.jdbc().sql("SELECT id FROM worker_token").query(Long.class).single();

        mvc.perform(get("/admin/workers").with(user(alice))).andExpect(status().isNotFound());
        mvc.perform(post("/admin/workers/tokens").with(user(alice)).with(csrf()).param("name", "sneaky"))
                .andExpect(status().isNotFound());
        mvc.perform(post("/admin/workers/tokens/" + id + "/revoke").with(user(alice)).with(csrf()))
                .andExpect(status().isNotFound());

        assertThat(db.jdbc().sql("SELECT count(*) FROM worker_token").query(Long.class).single()).isEqualTo(1);
        assertThat(db.jdbc().sql("SELECT count(*) FROM worker_token WHERE revoked_at IS NOT NULL").query(Long.class).single())
                .isZero();
        String page = mvc.perform(get("/generate").with(user(alice))).andReturn().getResponse().getContentAsString();
        assertThat(page).doesNotContain("nav-admin");
    }

    @Test
    void thePageListsAWorkerWithItsGpuBusyWhileItHoldsAJobAndItsDoneAndFailedCounts() throws Exception {
        String token = createToken("gpu-box-1");
        generation.submit(alice.id(), GenerationRequest.ofPrompt("first"));
        JsonNode first = JSON.readTree(claim(GPU_CLAIM, token).body());

        String busy = workersPage();
        assertThat(Html.text(busy)).contains("gpu-box-1", "busy", "NVIDIA GeForce RTX 4090", "24.0 GB", "0.8.0");

        complete(first, token);
        generation.submit(alice.id(), GenerationRequest.ofPrompt("second"));
        JsonNode second = JSON.readTree(claim(GPU_CLAIM, token).body());
        HttpResponse<String> failed = send("/jobs/" + second.get("jobId").asString() + "/fail",
                "{\"attempt\": " + second.get("attempt").asInt() + ", \"reason\": \"boom\", \"retryable\": false}", token);
        assertThat(failed.statusCode()).isEqualTo(200);

        String idle = workersPage();
        assertThat(Html.text(idle)).contains("online").doesNotContain("busy");
        assertThat(db.jdbc().sql("SELECT jobs_done || '/' || jobs_failed FROM worker_presence").query(String.class).single())
                .isEqualTo("1/1");
        assertThat(idle).contains("class=\"num jobs-done\">1<").contains("class=\"num jobs-failed\">1<");
    }

    @Test
    void thePageSaysWhatEachWorkerTakesAsItsLastClaimSaid() throws Exception {
        String token = createToken("gpu-box-1");
        claim(GPU_CLAIM, token);
        assertThat(workersPage()).contains("<td class=\"takes\">images</td>");

        String everything = GPU_CLAIM.replace("\"comfyUiVersion\": \"0.8.0\"",
                "\"comfyUiVersion\": \"0.8.0\", \"loras\": true, \"train\": true");
        claim(everything, token);
        assertThat(workersPage()).contains("<td class=\"takes\">images, LoRAs, training</td>");

        String smallGpu = everything.replace("\"vramTotalBytes\": 25757220864", "\"vramTotalBytes\": 4294967296");
        claim(smallGpu, token);
        assertThat(workersPage()).as("train, but less VRAM than text2image.training.min-vram-bytes")
                .contains("<td class=\"takes\">images, LoRAs</td>");
    }

    private String createToken(String name) throws Exception {
        String html = mvc.perform(post("/admin/workers/tokens").with(user(admin)).with(csrf()).param("name", name))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        String token = Html.attributeOf(html, "issued-token", "value");
        assertThat(Html.textOf(html, "worker-command")).contains("--token " + token, "--name " + name);
        return token;
    }

    private String workersPage() throws Exception {
        return mvc.perform(get("/admin/workers").with(user(admin))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
    }

    private void complete(JsonNode claimed, String token) throws Exception {
        String boundary = "b" + UUID.randomUUID();
        var body = new java.io.ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"attempt\"\r\n\r\n"
                + claimed.get("attempt").asInt() + "\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n").getBytes());
        body.writeBytes(org.text2image.server.support.Images.png(512, 512));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes());
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
                        "http://localhost:" + port + "/api/worker/v1/jobs/" + claimed.get("jobId").asString() + "/complete"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private HttpResponse<String> claim(String json, String token) throws Exception {
        return send("/claim", json, token);
    }

    private HttpResponse<String> sendBytes(String path, String contentType, byte[] body, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/worker/v1" + path))
                .header("Content-Type", contentType).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A completion body with boundary {@code b}: the attempt and one PNG. */
    private static byte[] multipart(int attempt, byte[] png) {
        var out = new java.io.ByteArrayOutputStream();
        out.writeBytes(("--b\r\nContent-Disposition: form-data; name=\"attempt\"\r\n\r\n" + attempt
                + "\r\n--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.writeBytes(png);
        out.writeBytes("\r\n--b--\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private HttpResponse<String> send(String path, String json, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/worker/v1" + path))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
