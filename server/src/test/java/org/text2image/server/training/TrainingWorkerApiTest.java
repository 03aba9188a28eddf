package org.text2image.server.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.text2image.server.account.AccountService;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.PlanTerms;
import org.text2image.server.plans.Plans;
import org.text2image.server.plans.SubscriptionSource;
import org.text2image.server.storage.ImageStore;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.Races;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.workers.WorkerTokens;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.WorkerApi;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * LoRA trainings through the worker API (docs/TRAINING.md, "Training jobs" and "Allowance"): the
 * allowance is taken once at submit and given back once when a training fails or is cancelled;
 * only training workers with the VRAM and the checkpoint get trainings, before image jobs; every
 * call is fenced by the attempt; a LoRA file is checked before anything is stored. Test plans: Pro
 * gives 1 training a week, Ultra 3.
 */
@IntegrationTest
class TrainingWorkerApiTest {

    private static final String TOKEN = "test-worker-token";
    private static final String SD15 = "v1-5-pruned-emaonly.safetensors";
    private static final long GIB = 1024L * 1024 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort int port;
    @Autowired AccountService accounts;
    @Autowired PlanTerms terms;
    @Autowired Plans plans;
    @Autowired LoraDatasets datasets;
    @Autowired LoraTrainings trainings;
    @Autowired TrainingQueue queue;
    @Autowired GenerationService generation;
    @Autowired WorkerTokens tokens;
    @Autowired ImageStore store;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;

    final HttpClient http = HttpClient.newHttpClient();
    long alice;
    UUID dataset;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse").id();
        terms.apply(alice, plans.find("pro").orElseThrow(), BillingPeriod.WEEKLY, SubscriptionSource.UPI, 1);
        dataset = TrainingFixtures.dataset(datasets, alice, "My cat", 6);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void takesTheAllowanceOnceAtSubmitAndRefusesASecondTrainingNamingTheLimitAndTheRenewal() {
        assertThat(trainings.allowance(alice).left()).isEqualTo(1);

        UUID training = trainings.submit(alice, dataset, "key-1");

        assertThat(trainings.allowance(alice).left()).isZero();
        assertThat(trainings.training(training, alice, false).orElseThrow().status()).isEqualTo(TrainingStatus.QUEUED);
        assertThatThrownBy(() -> trainings.submit(alice, dataset, "key-2"))
                .isInstanceOf(TrainingRefusedException.class)
                .hasMessageContaining("You have used your 1 training this week")
                .hasMessageContaining("(Pro plan: 1 a week)").hasMessageContaining("More from ");
        assertThat(count("SELECT count(*) FROM lora_training")).isEqualTo(1);
    }

    @Test
    void aReplayedSubmitKeyReturnsTheSameTrainingAndTakesNothingAgain() {
        UUID first = trainings.submit(alice, dataset, "key-1");
        UUID again = trainings.submit(alice, dataset, "key-1");

        assertThat(again).isEqualTo(first);
        assertThat(count("SELECT count(*) FROM lora_training")).isEqualTo(1);
        assertThat(trainings.allowance(alice).used()).isEqualTo(1);
    }

    @Test
    void twoSubmitsAtOnceWithOneTrainingLeftAcceptExactlyOne() throws Exception {
        List<String> outcomes = Races.race(List.of(() -> submitOutcome("race-a"), () -> submitOutcome("race-b")));

        assertThat(outcomes).containsExactlyInAnyOrder("accepted", "refused");
        assertThat(count("SELECT count(*) FROM lora_training")).isEqualTo(1);
    }

    private String submitOutcome(String key) {
        try {
            trainings.submit(alice, dataset, key);
            return "accepted";
        } catch (TrainingRefusedException e) {
            return "refused";
        }
    }

    @Test
    void givesTheAllowanceBackOnceWhenATrainingFailsAfterItsRetry() throws Exception {
        UUID training = trainings.submit(alice, dataset, "key-1");

        JsonNode first = claim("gpu-1", true, 24 * GIB, List.of(SD15));
        assertThat(first.get("jobId").asString()).isEqualTo(training.toString());
        assertThat(post("/trainings/" + training + "/fail", fail(1, true), TOKEN).body()).contains("QUEUED");
        assertThat(trainings.allowance(alice).left()).isZero();

        JsonNode second = claim("gpu-1", true, 24 * GIB, List.of(SD15));
        assertThat(second.get("attempt").asInt()).isEqualTo(2);
        assertThat(post("/trainings/" + training + "/fail", fail(2, true), TOKEN).body()).contains("FAILED");

        assertThat(trainings.training(training, alice, false).orElseThrow().status()).isEqualTo(TrainingStatus.FAILED);
        assertThat(trainings.allowance(alice).left()).isEqualTo(1);
        String returnedAt = db.jdbc().sql("SELECT allowance_returned_at::text FROM lora_training").query(String.class).single();
        assertThat(post("/trainings/" + training + "/fail", fail(2, true), TOKEN).statusCode()).isEqualTo(409);
        assertThat(trainings.cancel(training, alice)).isTrue();
        assertThat(db.jdbc().sql("SELECT allowance_returned_at::text FROM lora_training").query(String.class).single())
                .isEqualTo(returnedAt);
        assertThat(trainings.allowance(alice).left()).isEqualTo(1);
        assertThat(trainings.training(training, alice, false).orElseThrow().status()).isEqualTo(TrainingStatus.FAILED);
    }

    @Test
    void givesTheAllowanceBackOnceWhenAQueuedTrainingIsCancelled() {
        UUID training = trainings.submit(alice, dataset, "key-1");

        assertThat(trainings.cancel(training, alice)).isTrue();
        assertThat(trainings.cancel(training, alice)).isTrue();

        assertThat(trainings.training(training, alice, false).orElseThrow().status()).isEqualTo(TrainingStatus.CANCELLED);
        assertThat(trainings.allowance(alice).left()).isEqualTo(1);
        assertThat(trainings.allowance(alice).used()).isZero();
    }

    @Test
    void aRunningTrainingCancelledIsToldAtItsHeartbeatAndEndsCancelledWithTheAllowanceBackOnce() throws Exception {
        UUID training = trainings.submit(alice, dataset, "key-1");
        claim("gpu-1", true, 24 * GIB, List.of(SD15));
        assertThat(JSON.readTree(post("/trainings/" + training + "/heartbeat", heartbeat(1, 10, 600), TOKEN).body())
                .get("cancelRequested").asBoolean()).isFalse();

        assertThat(trainings.cancel(training, alice)).isTrue();
        assertThat(trainings.training(training, alice, false).orElseThrow().status()).isEqualTo(TrainingStatus.RUNNING);
        assertThat(JSON.readTree(post("/trainings/" + training + "/heartbeat", heartbeat(1, 11, 600), TOKEN).body())
                .get("cancelRequested").asBoolean()).isTrue();
        assertThat(post("/trainings/" + training + "/fail", fail(1, true), TOKEN).body()).contains("CANCELLED");

        assertThat(trainings.training(training, alice, false).orElseThrow().status()).isEqualTo(TrainingStatus.CANCELLED);
        assertThat(trainings.allowance(alice).left()).isEqualTo(1);
        assertThat(post("/trainings/" + training + "/fail", fail(1, true), TOKEN).statusCode()).isEqualTo(409);
        assertThat(trainings.cancel(training, alice)).isTrue();
        assertThat(trainings.allowance(alice).left()).isEqualTo(1);
    }

    @Test
    void onlyTrainingWorkersWithEnoughVramAndTheCheckpointAreGivenTrainings() throws Exception {
        UUID training = trainings.submit(alice, dataset, "key-1");

        assertThat(claimStatus("no-train", false, 24 * GIB, List.of(SD15))).isEqualTo(204);
        assertThat(claimStatus("no-vram", true, null, List.of(SD15))).isEqualTo(204);
        assertThat(claimStatus("small-gpu", true, 4 * GIB, List.of(SD15))).isEqualTo(204);
        assertThat(claimStatus("other-checkpoint", true, 24 * GIB, List.of("sd_xl_base_1.0.safetensors"))).isEqualTo(204);
        assertThat(trainings.training(training, alice, false).orElseThrow().status()).isEqualTo(TrainingStatus.QUEUED);

        JsonNode claimed = claim("gpu-1", true, 8 * GIB, List.of(SD15));

        assertThat(claimed.get("jobId").asString()).isEqualTo(training.toString());
        JsonNode part = claimed.get("training");
        assertThat(part.get("datasetFolder").asString()).isEqualTo("text2image-train-" + training + "-1");
        assertThat(part.get("loraPrefix").asString()).isEqualTo("t2i-" + training + "-1");
        assertThat(part.get("steps").asInt()).isEqualTo(600);
        assertThat(part.get("images")).hasSize(6);
        assertThat(part.get("images").get(0).get("name").asString()).isEqualTo("img01.png");
        JsonNode workflow = claimed.get("workflow");
        assertThat(workflow.get("2").get("inputs").get("folder").asString()).isEqualTo("text2image-train-" + training + "-1");
        assertThat(workflow.get("6").get("inputs").get("steps").asInt()).isEqualTo(600);
        assertThat(workflow.get("6").get("inputs").get("rank").asInt()).isEqualTo(16);
        assertThat(workflow.get("7").get("inputs").get("prefix").asString()).isEqualTo("loras/t2i-" + training + "-1");
        assertThat(workflow.get("1").get("inputs").get("ckpt_name").asString()).isEqualTo(SD15);
        ClaimedJob read = JSON.treeToValue(claimed, ClaimedJob.class); // as the worker reads it
        assertThat(read.isTraining()).isTrue();
        assertThat(read.training().images()).hasSize(6);
    }

    @Test
    void aTrainingWorkerIsGivenATrainingBeforeAnOlderImageJob() throws Exception {
        UUID job = generation.submit(alice, GenerationRequest.ofPrompt("a cat")).id();
        UUID training = trainings.submit(alice, dataset, "key-1");

        assertThat(claim("gpu-1", true, 24 * GIB, List.of(SD15)).get("jobId").asString()).isEqualTo(training.toString());
        JsonNode next = claim("gpu-2", true, 24 * GIB, List.of(SD15));
        assertThat(next.get("jobId").asString()).isEqualTo(job.toString());
        assertThat(next.path("training").isNull() || next.path("training").isMissingNode()).isTrue();
    }

    @Test
    void aTrainingWhoseDatasetWasDeletedFailsAtClaimWithTheAllowanceBack() throws Exception {
        UUID training = trainings.submit(alice, dataset, "key-1");
        datasets.delete(dataset, alice);

        assertThat(claimStatus("gpu-1", true, 24 * GIB, List.of(SD15))).isEqualTo(204);

        Training failed = trainings.training(training, alice, false).orElseThrow();
        assertThat(failed.status()).isEqualTo(TrainingStatus.FAILED);
        assertThat(failed.lastError()).contains("dataset was deleted");
        assertThat(trainings.allowance(alice).left()).isEqualTo(1);
    }

    @Test
    void aStaleAttemptIs409AndAnotherWorkersToken403AndNothingChanges() throws Exception {
        UUID training = trainings.submit(alice, dataset, "key-1");
        String othersToken = tokens.create("gpu-2", alice, "alice@example.com").token();
        JsonNode claimed = claim("gpu-1", true, 24 * GIB, List.of(SD15));
        post("/trainings/" + training + "/heartbeat", heartbeat(1, 5, 600), TOKEN);
        String image = claimed.get("training").get("images").get(0).get("id").asString();

        assertThat(post("/trainings/" + training + "/heartbeat", heartbeat(2, 9, 600), TOKEN).statusCode()).isEqualTo(409);
        assertThat(post("/trainings/" + training + "/heartbeat", heartbeat(1, 9, 600), othersToken).statusCode()).isEqualTo(403);
        assertThat(post("/trainings/" + training + "/fail", fail(1, false), othersToken).statusCode()).isEqualTo(403);
        assertThat(post("/trainings/" + training + "/handback", "{\"attempt\": 2, \"reason\": \"x\"}", TOKEN).statusCode())
                .isEqualTo(409);
        assertThat(complete(training, 2, TrainingFixtures.safetensors(64), TOKEN).statusCode()).isEqualTo(409);
        assertThat(complete(training, 1, TrainingFixtures.safetensors(64), othersToken).statusCode()).isEqualTo(403);
        assertThat(getImage(training, 2, image, TOKEN).statusCode()).isEqualTo(409);
        assertThat(getImage(training, 1, image, othersToken).statusCode()).isEqualTo(403);
        assertThat(getImage(training, 1, UUID.randomUUID().toString(), TOKEN).statusCode()).isEqualTo(404);

        Training still = trainings.training(training, alice, false).orElseThrow();
        assertThat(still.status()).isEqualTo(TrainingStatus.RUNNING);
        assertThat(still.progressStep()).isEqualTo(5);
        assertThat(still.attempt()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM lora_model")).isZero();
        HttpResponse<byte[]> bytes = getImage(training, 1, image, TOKEN);
        assertThat(bytes.statusCode()).isEqualTo(200);
        assertThat(bytes.headers().firstValue("Content-Type").orElse("")).isEqualTo("image/png");
        assertThat(bytes.body()).isEqualTo(TrainingFixtures.png(0));
    }

    @Test
    void aCompletionThatIsNoSafetensorsFileIsRefusedWithAMessageAndNothingIsStored() throws Exception {
        UUID training = trainings.submit(alice, dataset, "key-1");
        claim("gpu-1", true, 24 * GIB, List.of(SD15));
        byte[] pastTheEnd = TrainingFixtures.safetensors(64);
        pastTheEnd[0] = (byte) 0xff; // header length 255 + ... > the file's size

        HttpResponse<String> notSafetensors = complete(training, 1, "not a LoRA at all".getBytes(StandardCharsets.UTF_8), TOKEN);
        HttpResponse<String> header = complete(training, 1, pastTheEnd, TOKEN);
        HttpResponse<String> tooLarge = complete(training, 1, TrainingFixtures.safetensors(70 * 1024), TOKEN);
        HttpResponse<String> notJson = complete(training, 1, notJsonHeader(), TOKEN);

        assertThat(notSafetensors.statusCode()).isEqualTo(400);
        assertThat(detail(notSafetensors)).contains("not a safetensors file");
        assertThat(header.statusCode()).isEqualTo(400);
        assertThat(detail(header)).contains("runs past the end");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(detail(tooLarge)).contains("at most 65536 bytes");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(detail(notJson)).contains("not a JSON object");
        assertThat(trainings.training(training, alice, false).orElseThrow().status()).isEqualTo(TrainingStatus.RUNNING);
        assertThat(count("SELECT count(*) FROM lora_model")).isZero();
        assertThat(store.resource("lora-models/" + alice)).isEmpty();
    }

    @Test
    void aCompletionStoresTheLoraWithItsSha256AndMailsTheOwner() throws Exception {
        UUID training = trainings.submit(alice, dataset, "key-1");
        claim("gpu-1", true, 24 * GIB, List.of(SD15));
        byte[] lora = TrainingFixtures.safetensors(4096);

        HttpResponse<String> done = complete(training, 1, lora, TOKEN);

        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).contains("SUCCEEDED");
        Training succeeded = trainings.training(training, alice, false).orElseThrow();
        assertThat(succeeded.status()).isEqualTo(TrainingStatus.SUCCEEDED);
        assertThat(succeeded.loraId()).isNotNull();
        var row = db.jdbc().sql("SELECT sha256, size_bytes, storage_key, name, trigger_word, checkpoint FROM lora_model")
                .query().singleRow();
        assertThat(row.get("sha256")).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(lora)));
        assertThat(row.get("size_bytes")).isEqualTo((long) lora.length);
        assertThat(row.get("storage_key")).isEqualTo("lora-models/" + alice + "/" + succeeded.loraId() + ".safetensors");
        assertThat(row.get("name")).isEqualTo("My cat");
        assertThat(row.get("checkpoint")).isEqualTo(SD15);
        assertThat(store.get((String) row.get("storage_key")).orElseThrow()).isEqualTo(lora);
        var mail = db.jdbc().sql("SELECT recipient, subject, body FROM mail_outbox").query().singleRow();
        assertThat(mail.get("recipient")).isEqualTo("alice@example.com");
        assertThat(mail.get("subject")).isEqualTo("Your model \"My cat\" is ready");
        assertThat((String) mail.get("body")).contains("/my-models").contains("mycat");
        assertThat(trainings.allowance(alice).used()).isEqualTo(1);
        assertThat(complete(training, 1, lora, TOKEN).statusCode()).isEqualTo(409);
        assertThat(count("SELECT count(*) FROM lora_model")).isEqualTo(1);
    }

    @Test
    void anExpiredLeaseIsRetriedOnceThenFailsWithTheAllowanceBack() throws Exception {
        UUID training = trainings.submit(alice, dataset, "key-1");
        claim("gpu-1", true, 24 * GIB, List.of(SD15));
        post("/trainings/" + training + "/heartbeat", heartbeat(1, 1, 600), TOKEN);
        clock.advance(java.time.Duration.ofMinutes(5));
        queue.reapOverdue();
        assertThat(trainings.training(training, alice, false).orElseThrow().status()).isEqualTo(TrainingStatus.QUEUED);

        claim("gpu-1", true, 24 * GIB, List.of(SD15));
        post("/trainings/" + training + "/heartbeat", heartbeat(2, 1, 600), TOKEN);
        clock.advance(java.time.Duration.ofHours(3));
        queue.reapOverdue();

        Training failed = trainings.training(training, alice, false).orElseThrow();
        assertThat(failed.status()).isEqualTo(TrainingStatus.FAILED);
        assertThat(failed.lastError()).contains("longer than 120 minutes");
        assertThat(trainings.allowance(alice).left()).isEqualTo(1);
    }

    private static byte[] notJsonHeader() {
        byte[] file = TrainingFixtures.safetensors(64);
        file[8] = '[';
        return file;
    }

    private static String detail(HttpResponse<String> response) {
        return JSON.readTree(response.body()).get("detail").asString();
    }

    private long count(String sql) {
        return db.jdbc().sql(sql).query(Long.class).single();
    }

    private static String fail(int attempt, boolean retryable) {
        return "{\"attempt\": " + attempt + ", \"reason\": \"ComfyUI error\", \"retryable\": " + retryable + "}";
    }

    private static String heartbeat(int attempt, int step, int total) {
        return "{\"attempt\": " + attempt + ", \"step\": " + step + ", \"totalSteps\": " + total + "}";
    }

    private JsonNode claim(String worker, boolean train, Long vram, List<String> checkpoints) throws Exception {
        HttpResponse<String> response = post("/claim", claimBody(worker, train, vram, checkpoints), TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private int claimStatus(String worker, boolean train, Long vram, List<String> checkpoints) throws Exception {
        return post("/claim", claimBody(worker, train, vram, checkpoints), TOKEN).statusCode();
    }

    private static String claimBody(String worker, boolean train, Long vram, List<String> checkpoints) {
        return "{\"workerName\": \"" + worker + "\", \"backendReachable\": true, \"checkpoints\": "
                + JSON.writeValueAsString(checkpoints) + ", \"vramTotalBytes\": " + vram + ", \"train\": " + train + "}";
    }

    private HttpResponse<String> post(String path, String json, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + WorkerApi.BASE_PATH + path))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<byte[]> getImage(UUID training, int attempt, String image, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + WorkerApi.BASE_PATH + "/trainings/"
                        + training + "/images/" + image + "?attempt=" + attempt))
                        .header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<String> complete(UUID training, int attempt, byte[] lora, String token) throws Exception {
        String boundary = "----t2i" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"attempt\"\r\n\r\n" + attempt + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"lora\"; filename=\"out.safetensors\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(lora);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + WorkerApi.BASE_PATH + "/trainings/"
                        + training + "/complete")).header("Authorization", "Bearer " + token)
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
