package org.text2image.server.workers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.support.Images;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The worker API over real HTTP: authentication, fencing and bad input. */
@IntegrationTest
class WorkerApiHttpTest {

    private static final String TOKEN = "test-worker-token";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort int port;
    @Autowired GenerationService generation;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;
    @Autowired TestDatabase db;

    final HttpClient http = HttpClient.newHttpClient();
    long user;

    @BeforeEach
    void setUp() {
        db.clean();
        user = accounts.register("api@example.com", "correct horse").id();
    }

    @Test
    void aWrongOrMissingTokenIsRefusedAndClaimsNothing() throws Exception {
        generation.submit(user, GenerationRequest.ofPrompt("a cat"));
        HttpResponse<String> wrong = post("/claim", claimBody(), "not-the-token");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("worker token");
        assertThat(post("/claim", claimBody(), null).statusCode()).isEqualTo(401);
        assertThat(db.jdbc().sql("SELECT status FROM generation_job").query(String.class).single()).isEqualTo("QUEUED");
    }

    @Test
    void malformedJsonIsA400ProblemAndChangesNothing() throws Exception {
        generation.submit(user, GenerationRequest.ofPrompt("a cat"));
        HttpResponse<String> response = post("/claim", "{\"workerName\": ", TOKEN);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
        assertThat(JSON.readTree(response.body()).get("detail").asString()).contains("not valid JSON");
        assertThat(db.jdbc().sql("SELECT status FROM generation_job").query(String.class).single()).isEqualTo("QUEUED");
    }

    @Test
    void aBlankWorkerNameIsRefused() throws Exception {
        assertThat(post("/claim", "{\"workerName\": \"\", \"backendReachable\": true}", TOKEN).statusCode()).isEqualTo(400);
    }

    @Test
    void claimsWithNoWorkAnswer204() throws Exception {
        assertThat(post("/claim", claimBody(), TOKEN).statusCode()).isEqualTo(204);
    }

    @Test
    void theSameCompletionPostedTwiceChargesOnce() throws Exception {
        UUID jobId = generation.submit(user, GenerationRequest.ofPrompt("a cat")).id();
        JsonNode claimed = JSON.readTree(post("/claim", claimBody(), TOKEN).body());
        int attempt = claimed.get("attempt").asInt();
        assertThat(claimed.get("jobId").asString()).isEqualTo(jobId.toString());
        assertThat(claimed.get("workflow").get("9").get("inputs").get("filename_prefix").asString())
                .isEqualTo("text2image/" + jobId + "-1");

        HttpResponse<String> first = complete(jobId, attempt, Images.png(512, 512));
        HttpResponse<String> second = complete(jobId, attempt, Images.png(512, 512));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(first.body()).get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(statements.balance(user)).isEqualTo(new Balance(19, 0));
        assertThat(count("SELECT count(*) FROM ledger_entry WHERE kind = 'CAPTURE'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM job_image")).isEqualTo(1);
    }

    @Test
    void aNonImageUploadIs400AndStoresNothing() throws Exception {
        UUID jobId = generation.submit(user, GenerationRequest.ofPrompt("a cat")).id();
        int attempt = JSON.readTree(post("/claim", claimBody(), TOKEN).body()).get("attempt").asInt();
        HttpResponse<String> response = complete(jobId, attempt, "<html>not an image</html>".getBytes());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("not a PNG or JPEG image");
        assertThat(count("SELECT count(*) FROM job_image")).isZero();
        assertThat(statements.balance(user)).isEqualTo(new Balance(19, 1));
    }

    @Test
    void anOversizedUploadIs413AndStoresNothing() throws Exception {
        UUID jobId = generation.submit(user, GenerationRequest.ofPrompt("a cat")).id();
        int attempt = JSON.readTree(post("/claim", claimBody(), TOKEN).body()).get("attempt").asInt();
        byte[] huge = new byte[21 * 1024 * 1024]; // over spring.servlet.multipart.max-file-size (20 MB)
        System.arraycopy(Images.png(8, 8), 0, huge, 0, 8);
        HttpResponse<String> response = complete(jobId, attempt, huge);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(count("SELECT count(*) FROM job_image")).isZero();
        assertThat(db.jdbc().sql("SELECT status FROM generation_job").query(String.class).single()).isEqualTo("RUNNING");
    }

    @Test
    void uploadUrlsAre404WhenTheStoreTakesNoDirectUploadsSoTheWorkerSendsMultipart() throws Exception {
        UUID jobId = generation.submit(user, GenerationRequest.ofPrompt("a cat")).id();
        int attempt = JSON.readTree(post("/claim", claimBody(), TOKEN).body()).get("attempt").asInt();
        HttpResponse<String> response = post("/jobs/" + jobId + "/upload-urls", "{\"attempt\": " + attempt
                + ", \"images\": [{\"size\": 100, \"md5\": \"1B2M2Y8AsgTpgAmY7PhCfg==\"}]}", TOKEN);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
        assertThat(response.body()).contains("direct-worker-upload").contains("multipart");
        HttpResponse<String> keyed = post("/jobs/" + jobId + "/complete", "{\"attempt\": " + attempt
                + ", \"images\": [{\"key\": \"uploads/" + jobId + "/1/0.png\", \"size\": 100}]}", TOKEN);
        assertThat(keyed.statusCode()).isEqualTo(404);
        assertThat(complete(jobId, attempt, Images.png(512, 512)).statusCode()).isEqualTo(200);
    }

    @Test
    void heartbeatForAJobTheWorkerDoesNotHoldIs409() throws Exception {
        UUID jobId = generation.submit(user, GenerationRequest.ofPrompt("a cat")).id();
        HttpResponse<String> response = post("/jobs/" + jobId + "/heartbeat",
                "{\"attempt\": 1, \"step\": 1, \"totalSteps\": 20}", TOKEN);
        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(post("/jobs/not-a-uuid/heartbeat", "{\"attempt\": 1}", TOKEN).statusCode()).isEqualTo(400);
    }

    @Test
    void failWithAStaleAttemptIs409AndChangesNothing() throws Exception {
        UUID jobId = generation.submit(user, GenerationRequest.ofPrompt("a cat")).id();
        post("/claim", claimBody(), TOKEN);
        HttpResponse<String> response = post("/jobs/" + jobId + "/fail",
                "{\"attempt\": 7, \"reason\": \"boom\", \"retryable\": false}", TOKEN);
        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(db.jdbc().sql("SELECT status FROM generation_job").query(String.class).single()).isEqualTo("RUNNING");
    }

    @Test
    void aTruncatedCompletionIsA400ProblemAndStoresNothing() throws Exception {
        UUID job = generation.submit(user, GenerationRequest.of("sd15", "a cat")).id();
        int attempt = claimOverHttp();
        byte[] whole = completionBody("b0undary", attempt, List.of(Images.png(512, 512)));

        HttpResponse<String> response = completeRaw(job, "b0undary", java.util.Arrays.copyOf(whole, whole.length / 2));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
        assertThat(JSON.readTree(response.body()).get("retryable").asBoolean()).isFalse();
        assertNothingStoredAndStillRunning();
    }

    @Test
    void bytesThatOnlyStartLikeAPngAreRefused() throws Exception {
        UUID job = generation.submit(user, GenerationRequest.of("sd15", "a cat")).id();
        int attempt = claimOverHttp();
        byte[] png = Images.png(512, 512);
        byte[] fake = java.util.Arrays.copyOf(png, 64); // the signature and header, no image data

        HttpResponse<String> response = completeRaw(job, "b", completionBody("b", attempt, List.of(fake)));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("detail").asString()).contains("is not a whole PNG image");
        assertNothingStoredAndStillRunning();
    }

    @Test
    void anImageOfAnotherSizeThanTheJobIsRefused() throws Exception {
        UUID job = generation.submit(user, GenerationRequest.of("sd15", "a cat")).id();
        int attempt = claimOverHttp();

        HttpResponse<String> response = completeRaw(job, "b", completionBody("b", attempt, List.of(Images.png(8, 8))));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("detail").asString()).contains("is 8×8 pixels; this job asked for 512×512");
        assertNothingStoredAndStillRunning();
    }

    @Test
    void moreImagesThanTheBatchSizeAreRefused() throws Exception {
        UUID job = generation.submit(user, GenerationRequest.of("sd15", "a cat")).id();
        int attempt = claimOverHttp();
        byte[] png = Images.png(512, 512);

        HttpResponse<String> response = completeRaw(job, "b", completionBody("b", attempt, List.of(png, png)));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("detail").asString())
                .contains("batch size of 1, so a completion may carry at most 1 image; it carried 2");
        assertNothingStoredAndStillRunning();
        assertThat(completeRaw(job, "b", completionBody("b", attempt, List.of(png))).statusCode()).isEqualTo(200);
        assertThat(statements.balance(user)).isEqualTo(new Balance(19, 0));
    }

    private static String claimBody() {
        return "{\"workerName\": \"gpu-1\", \"backendReachable\": true, \"checkpoints\": [\"" + TestCatalog.SD15 + "\"]}";
    }

    private long count(String sql) {
        return db.jdbc().sql(sql).query(Long.class).single();
    }

    private HttpResponse<String> post(String path, String json, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/worker/v1" + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> complete(UUID jobId, int attempt, byte[] image) throws Exception {
        String boundary = "----t2i" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"attempt\"\r\n\r\n" + attempt + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"out.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(image);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(
                        "http://localhost:" + port + "/api/worker/v1/jobs/" + jobId + "/complete"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Claims the queued job over HTTP and returns its attempt. */
    private int claimOverHttp() throws Exception {
        HttpResponse<String> claim = post("/claim", claimBody(), TOKEN);
        assertThat(claim.statusCode()).isEqualTo(200);
        return JSON.readTree(claim.body()).get("attempt").asInt();
    }

    /** A completion body: the attempt part, then one image part per file. */
    static byte[] completionBody(String boundary, int attempt, List<byte[]> images) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"attempt\"\r\n\r\n" + attempt + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < images.size(); i++) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"out-" + i
                    + ".png\"\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(images.get(i));
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    private HttpResponse<String> completeRaw(UUID jobId, String boundary, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(
                        "http://localhost:" + port + "/api/worker/v1/jobs/" + jobId + "/complete"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private void assertNothingStoredAndStillRunning() {
        assertThat(count("SELECT count(*) FROM job_image")).isZero();
        assertThat(db.jdbc().sql("SELECT status FROM generation_job").query(String.class).single()).isEqualTo("RUNNING");
        assertThat(statements.balance(user).heldCredits()).isPositive();
    }
}
