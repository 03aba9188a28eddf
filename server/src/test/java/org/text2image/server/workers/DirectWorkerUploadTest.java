package org.text2image.server.workers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.Viewer;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.generation.web.ImageUrls;
import org.text2image.server.storage.ImageStore;
import org.text2image.server.storage.s3.S3TestServer;
import org.text2image.server.support.Images;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.worker.WorkerApiClient;
import org.text2image.worker.api.JobOutcome;
import org.text2image.worker.api.UploadUrls;
import org.text2image.worker.api.UploadUrlsRequest;
import org.text2image.worker.api.UploadedCompletion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Direct worker upload against a real S3 API (S3Proxy on loopback): presigned PUTs into the
 * bucket, and a completion by keys that is checked in the bucket before the hold is captured. The
 * one Spring context of the direct-upload tests (S3 store, {@code direct-worker-upload: true}).
 */
@IntegrationTest
class DirectWorkerUploadTest {

    private static final String TOKEN = "test-worker-token";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final S3TestServer S3 = S3TestServer.get();

    @DynamicPropertySource
    static void s3(DynamicPropertyRegistry registry) {
        S3.bucket("direct-upload-test");
        registry.add("text2image.storage.type", () -> "s3");
        registry.add("text2image.storage.s3.bucket", () -> "direct-upload-test");
        registry.add("text2image.storage.s3.prefix", () -> "server");
        registry.add("text2image.storage.s3.endpoint", () -> S3.endpoint().toString());
        registry.add("text2image.storage.s3.path-style", () -> "true");
        registry.add("text2image.storage.s3.access-key", () -> S3TestServer.ACCESS_KEY);
        registry.add("text2image.storage.s3.secret-key", () -> S3TestServer.SECRET_KEY);
        registry.add("text2image.storage.s3.direct-worker-upload", () -> "true");
    }

    @LocalServerPort int port;
    @Autowired GenerationService generation;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;
    @Autowired JobQueue queue;
    @Autowired ImageStore store;
    @Autowired ImageUrls urls;
    @Autowired MutableClock clock;
    @Autowired LedgerInvariants invariants;
    @Autowired TestDatabase db;

    final HttpClient http = HttpClient.newHttpClient();
    final byte[] png = Images.png(512, 512);
    long user;

    @BeforeEach
    void setUp() {
        db.clean();
        clock.reset();
        user = accounts.register("direct@example.com", "correct horse").id();
    }

    @AfterEach
    void booksStayBalanced() {
        clock.reset();
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void aDirectUploadIsCheckedInTheBucketBeforeTheHoldIsCapturedOnceAndTheImageIsServed() throws Exception {
        JobView job = generation.submit(user, GenerationRequest.ofPrompt("a cat"));
        int attempt = claim(job.id());
        JsonNode target = uploadUrls(job.id(), attempt, png).get("uploads").get(0);
        String key = target.get("key").asString();
        assertThat(key).isEqualTo("uploads/" + job.id() + "/" + attempt + "/0.png");
        assertThat(put(target, png, null).statusCode()).isEqualTo(200);

        HttpResponse<String> completed = completeByKey(job.id(), attempt, key, png.length, md5(png));
        HttpResponse<String> replayed = completeByKey(job.id(), attempt, key, png.length, md5(png));

        assertThat(completed.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(completed.body()).get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(replayed.statusCode()).isEqualTo(409);
        assertThat(statements.balance(user)).isEqualTo(new Balance(19, 0));
        assertThat(count("SELECT count(*) FROM ledger_entry WHERE kind = 'CAPTURE'")).isEqualTo(1);
        String storageKey = db.jdbc().sql("SELECT storage_key FROM job_image").query(String.class).single();
        assertThat(storageKey).startsWith("jobs/" + job.id() + "/");
        assertThat(store.get(storageKey)).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(png));
        assertThat(store.get(key)).as("the upload object is gone once the image is kept").isEmpty();

        JobView done = generation.find(job.id(), new Viewer(user, false)).orElseThrow();
        UUID imageId = db.jdbc().sql("SELECT id FROM job_image").query(UUID.class).single();
        HttpResponse<byte[]> served = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + urls.imageForOwner(done, imageId, user))).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo(png);
    }

    @Test
    void theWorkersOwnClientUploadsThroughThePresignedUrlsAndCompletes() throws Exception {
        JobView job = generation.submit(user, GenerationRequest.ofPrompt("a cat"));
        int attempt = claim(job.id());
        try (WorkerApiClient client = new WorkerApiClient(URI.create("http://localhost:" + port), TOKEN,
                Duration.ofSeconds(5), Duration.ofSeconds(30))) {
            UploadUrls urls = client.uploadUrls(job.id(), new UploadUrlsRequest(attempt,
                    List.of(new UploadUrlsRequest.DeclaredImage(png.length, md5(png))))).orElseThrow();
            assertThat(urls.expiresInSeconds()).isPositive();
            client.upload(urls.uploads().getFirst(), png);
            JobOutcome outcome = client.completeUploaded(job.id(), new UploadedCompletion(attempt, List.of(
                    new UploadedCompletion.UploadedImageKey(urls.uploads().getFirst().key(), png.length, md5(png)))));
            assertThat(outcome.status()).isEqualTo("SUCCEEDED");
        }
        assertThat(statements.balance(user)).isEqualTo(new Balance(19, 0));
    }

    @Test
    void aMissingObjectRefusesTheCompletionChargesNothingAndTheAttemptFailsAsForABadUpload() throws Exception {
        JobView job = generation.submit(user, GenerationRequest.ofPrompt("a cat"));
        int attempt = claim(job.id());
        String key = uploadUrls(job.id(), attempt, png).get("uploads").get(0).get("key").asString();

        HttpResponse<String> response = completeByKey(job.id(), attempt, key, png.length, md5(png));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("was not uploaded");
        assertThat(count("SELECT count(*) FROM job_image")).isZero();
        assertThat(statements.balance(user)).isEqualTo(new Balance(19, 1));
        assertThat(status()).isEqualTo("RUNNING");

        post("/jobs/" + job.id() + "/heartbeat", "{\"attempt\": " + attempt + ", \"step\": 1, \"totalSteps\": 20}");
        clock.advance(Duration.ofMinutes(10));
        queue.reapOverdue();
        assertThat(status()).as("the attempt failed and the job waits for its retry").isEqualTo("QUEUED");
        assertThat(count("SELECT count(*) FROM ledger_entry WHERE kind = 'CAPTURE'")).isZero();
    }

    @Test
    void theBucketRefusesOtherBytesOrAnotherTypeThanSignedAndTheCompletionIsRefused() throws Exception {
        JobView job = generation.submit(user, GenerationRequest.ofPrompt("a cat"));
        int attempt = claim(job.id());
        JsonNode target = uploadUrls(job.id(), attempt, png).get("uploads").get(0);
        byte[] longer = java.util.Arrays.copyOf(png, png.length + 10);
        byte[] changed = png.clone();
        changed[changed.length - 20] ^= 1;
        assertThat(target.get("url").asString()).as("what the bucket enforces")
                .contains("X-Amz-SignedHeaders=content-length%3Bcontent-md5%3Bcontent-type%3Bhost");

        assertThat(put(target, longer, null).statusCode()).as("another length: not the signed request").isEqualTo(403);
        HttpResponse<String> otherBytes = put(target, changed, null);
        assertThat(otherBytes.statusCode()).as("other bytes of the same length").isEqualTo(400);
        assertThat(otherBytes.body()).contains("BadDigest");
        assertThat(put(target, png, "image/jpeg").statusCode()).as("another content type: not the signed request").isEqualTo(403);

        String key = target.get("key").asString();
        assertThat(store.get(key)).isEmpty();
        HttpResponse<String> response = completeByKey(job.id(), attempt, key, png.length, md5(png));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(statements.balance(user)).isEqualTo(new Balance(19, 1));
    }

    @Test
    void anObjectOfAnotherSizeOrNotAPngOfTheJobIsRefusedNothingChargedAndTheUploadDeleted() throws Exception {
        JobView job = generation.submit(user, GenerationRequest.ofPrompt("a cat"));
        int attempt = claim(job.id());
        byte[] small = Images.png(64, 64);
        JsonNode target = uploadUrls(job.id(), attempt, small).get("uploads").get(0);
        String key = target.get("key").asString();
        assertThat(put(target, small, null).statusCode()).isEqualTo(200);

        HttpResponse<String> wrongSize = completeByKey(job.id(), attempt, key, small.length + 1, md5(small));
        assertThat(wrongSize.statusCode()).isEqualTo(400);
        assertThat(wrongSize.body()).contains("were declared");

        assertThat(put(uploadUrls(job.id(), attempt, small).get("uploads").get(0), small, null).statusCode()).isEqualTo(200);
        HttpResponse<String> wrongPixels = completeByKey(job.id(), attempt, key, small.length, md5(small));
        assertThat(wrongPixels.statusCode()).isEqualTo(400);
        assertThat(wrongPixels.body()).contains("64×64 pixels");
        assertThat(store.get(key)).as("a refused upload is deleted").isEmpty();

        byte[] html = "<html>not an image</html>".getBytes();
        assertThat(put(uploadUrls(job.id(), attempt, html).get("uploads").get(0), html, null).statusCode()).isEqualTo(200);
        HttpResponse<String> notPng = completeByKey(job.id(), attempt, key, html.length, md5(html));
        assertThat(notPng.statusCode()).isEqualTo(400);
        assertThat(notPng.body()).contains("not a PNG");

        assertThat(count("SELECT count(*) FROM job_image")).isZero();
        assertThat(statements.balance(user)).isEqualTo(new Balance(19, 1));
        assertThat(status()).isEqualTo("RUNNING");
    }

    @Test
    void anotherJobsUploadKeyIsRefusedAndLeftAlone() throws Exception {
        JobView first = generation.submit(user, GenerationRequest.ofPrompt("a cat"));
        int firstAttempt = claim(first.id());
        JobView second = generation.submit(user, GenerationRequest.ofPrompt("a dog"));
        int secondAttempt = claim(second.id());
        JsonNode target = uploadUrls(first.id(), firstAttempt, png).get("uploads").get(0);
        String firstKey = target.get("key").asString();
        assertThat(put(target, png, null).statusCode()).isEqualTo(200);

        HttpResponse<String> stolen = completeByKey(second.id(), secondAttempt, firstKey, png.length, md5(png));
        HttpResponse<String> anImage = completeByKey(second.id(), secondAttempt, "jobs/" + first.id() + "/x", png.length, md5(png));

        assertThat(stolen.statusCode()).isEqualTo(400);
        assertThat(stolen.body()).contains("not an upload key issued");
        assertThat(anImage.statusCode()).isEqualTo(400);
        assertThat(store.get(firstKey)).as("another job's upload is not touched").isPresent();
        assertThat(statements.balance(user)).isEqualTo(new Balance(18, 2));
        assertThat(completeByKey(first.id(), firstAttempt, firstKey, png.length, md5(png)).statusCode()).isEqualTo(200);
        assertThat(statements.balance(user)).isEqualTo(new Balance(18, 1));
    }

    @Test
    void uploadUrlsAreOnlyForTheAttemptThatHoldsTheJob() throws Exception {
        JobView job = generation.submit(user, GenerationRequest.ofPrompt("a cat"));
        int attempt = claim(job.id());

        assertThat(post("/jobs/" + job.id() + "/upload-urls", declared(attempt + 1, png)).statusCode()).isEqualTo(409);
        HttpResponse<String> tooLarge = post("/jobs/" + job.id() + "/upload-urls",
                "{\"attempt\": " + attempt + ", \"images\": [{\"size\": 999999999, \"md5\": \"" + md5(png) + "\"}]}");
        assertThat(tooLarge.statusCode()).isEqualTo(400);
        assertThat(post("/jobs/" + job.id() + "/upload-urls", "{\"attempt\": " + attempt + ", \"images\": []}").statusCode())
                .isEqualTo(400);
        assertThat(post("/jobs/" + job.id() + "/upload-urls", "{\"attempt\": " + attempt + ", \"images\": [null]}").statusCode())
                .isEqualTo(400);
        assertThat(post("/jobs/" + job.id() + "/complete", "{\"attempt\": " + attempt + ", \"images\": [null]}").statusCode())
                .isEqualTo(400);
        assertThat(post("/jobs/" + job.id() + "/upload-urls", "{\"attempt\": " + attempt
                + ", \"images\": [{\"size\": 10, \"md5\": \"not base64!\"}]}").statusCode()).isEqualTo(400);
        assertThat(statements.balance(user)).isEqualTo(new Balance(19, 1));
    }

    private int claim(UUID jobId) throws Exception {
        HttpResponse<String> response = post("/claim",
                "{\"workerName\": \"gpu-1\", \"backendReachable\": true, \"checkpoints\": [\"" + TestCatalog.SD15 + "\"]}");
        JsonNode claimed = JSON.readTree(response.body());
        assertThat(claimed.get("jobId").asString()).isEqualTo(jobId.toString());
        return claimed.get("attempt").asInt();
    }

    private JsonNode uploadUrls(UUID jobId, int attempt, byte[] image) throws Exception {
        HttpResponse<String> response = post("/jobs/" + jobId + "/upload-urls", declared(attempt, image));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String declared(int attempt, byte[] image) throws Exception {
        return "{\"attempt\": " + attempt + ", \"images\": [{\"size\": " + image.length + ", \"md5\": \"" + md5(image) + "\"}]}";
    }

    /** PUTs to the presigned URL with its signed headers, the Content-Type replaced when {@code contentType} is set. */
    private HttpResponse<String> put(JsonNode target, byte[] bytes, String contentType) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.get("url").asString()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
        ObjectNode headers = (ObjectNode) target.get("headers");
        for (String name : headers.propertyNames()) {
            request.header(name, name.equalsIgnoreCase("Content-Type") && contentType != null ? contentType
                    : headers.get(name).asString());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> completeByKey(UUID jobId, int attempt, String key, long size, String md5) throws Exception {
        return post("/jobs/" + jobId + "/complete", "{\"attempt\": " + attempt + ", \"images\": [{\"key\": \"" + key
                + "\", \"size\": " + size + ", \"md5\": \"" + md5 + "\"}]}");
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/worker/v1" + path))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String md5(byte[] bytes) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
    }

    private String status() {
        return db.jdbc().sql("SELECT status FROM generation_job").query(String.class).single();
    }

    private long count(String sql) {
        return db.jdbc().sql(sql).query(Long.class).single();
    }
}
