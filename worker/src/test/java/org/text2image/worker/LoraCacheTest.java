package org.text2image.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.ClaimedLora;
import org.text2image.worker.api.WorkerApi;
import org.text2image.worker.comfyui.ComfyUiClient;
import org.text2image.worker.comfyui.standin.ComfyUiFixtures;
import org.text2image.worker.comfyui.standin.ComfyUiStandIn;
import org.text2image.worker.comfyui.standin.StandInLoras;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generation jobs made with a user's LoRA: the worker's cache puts the file into the folder its
 * ComfyUI reads ({@code models/loras/text2image/}), downloading it once, checking it, and keeping
 * the folder under its limit.
 */
class LoraCacheTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path loras;
    private ComfyUiStandIn comfyUi;
    private FakeWorkerApi server;
    private WorkerApiClient client;
    private LoraCache cache;
    private JobRunner runner;

    @BeforeEach
    void start() throws Exception {
        comfyUi = new ComfyUiStandIn().start().installedCheckpoints(ComfyUiFixtures.SD15_CHECKPOINT).lorasFolder(loras);
        server = new FakeWorkerApi();
        client = new WorkerApiClient(server.baseUrl(), FakeWorkerApi.TOKEN, Duration.ofSeconds(2), Duration.ofSeconds(10));
        startRunner(1024 * 1024);
    }

    private void startRunner(long limit) {
        cache = new LoraCache(loras, limit, client, Clock.fixed(NOW, ZoneOffset.UTC));
        runner = new JobRunner(new ComfyUiClient(comfyUi.baseUrl(), Duration.ofSeconds(2), Duration.ofSeconds(10)), client,
                "t2i-lora-test", Duration.ofMillis(100), JobRunnerTestBase.FAST, Clock.systemUTC(), cache);
    }

    @AfterEach
    void stop() {
        runner.close();
        server.close();
        comfyUi.close();
    }

    @Test
    void theFirstJobDownloadsTheLoraOnceAndTheNextJobUsesTheCachedFile() throws Exception {
        ClaimedLora lora = served("style-a");

        JobReport first = runner.run(job("first", List.of(lora), List.of()));
        JobReport second = runner.run(job("second", List.of(lora), List.of()));

        assertThat(first.outcome()).isEqualTo(JobReport.Outcome.SUCCEEDED);
        assertThat(second.outcome()).isEqualTo(JobReport.Outcome.SUCCEEDED);
        assertThat(cache.downloads()).isEqualTo(1);
        assertThat(server.loraRequests()).singleElement().asString().endsWith(lora.id() + "?attempt=1");
        assertThat(Files.readAllBytes(cache.fileOf(lora.sha256()))).isEqualTo(StandInLoras.safetensors("style-a"));
        assertThat(Files.getLastModifiedTime(cache.fileOf(lora.sha256())).toInstant()).isEqualTo(NOW);
        ObjectNode ran = comfyUi.lastPrompt();
        assertThat(ran.get("20").get("class_type").asString()).isEqualTo("LoraLoaderModelOnly");
        assertThat(ran.get("20").get("inputs").get("lora_name").asString()).isEqualTo(WorkerApi.loraFileName(lora.sha256()));
        assertThat(new ComfyUiClient(comfyUi.baseUrl(), Duration.ofSeconds(2), Duration.ofSeconds(5)).loras())
                .containsExactly("text2image/" + lora.sha256() + ".safetensors");
    }

    @Test
    void aCachedFileCutShortOnDiskIsFetchedAgainBeforeTheJobUsesIt() throws Exception {
        ClaimedLora lora = served("style-a");
        assertThat(runner.run(job("first", List.of(lora), List.of())).outcome()).isEqualTo(JobReport.Outcome.SUCCEEDED);
        Path cached = cache.fileOf(lora.sha256());
        Files.write(cached, java.util.Arrays.copyOf(Files.readAllBytes(cached), (int) lora.sizeBytes() / 2));

        JobReport second = runner.run(job("second", List.of(lora), List.of()));

        assertThat(second.outcome()).isEqualTo(JobReport.Outcome.SUCCEEDED);
        assertThat(cache.downloads()).isEqualTo(2);
        assertThat(Files.readAllBytes(cached)).isEqualTo(StandInLoras.safetensors("style-a"));
    }

    @Test
    void aLoraWhoseSha256DoesNotMatchLeavesNothingInTheFolderAndFailsTheAttemptRetryable() throws Exception {
        ClaimedLora served = served("style-a");
        ClaimedLora claimed = new ClaimedLora(served.id(), sha256(StandInLoras.safetensors("something else")), served.sizeBytes());

        JobReport report = runner.run(job("bad-hash", List.of(claimed), List.of()));

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.FAILED_RETRYABLE);
        assertThat(server.failures()).singleElement().satisfies(f -> assertThat(f.request().reason()).contains("SHA-256"));
        assertThat(loras.resolve("text2image")).isEmptyDirectory();
        assertThat(comfyUi.submittedPrompts()).isEmpty();
        assertThat(cache.downloads()).isZero();
    }

    @Test
    void aLoraTheServerNoLongerSendsFailsTheAttemptForGood() throws Exception {
        ClaimedLora gone = new ClaimedLora(UUID.randomUUID(), sha256(new byte[] {1}), 1);

        JobReport report = runner.run(job("gone", List.of(gone), List.of()));

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.FAILED_PERMANENTLY);
        assertThat(server.failures().getFirst().request().reason()).startsWith("the server did not send LoRA " + gone.id());
        assertThat(comfyUi.submittedPrompts()).isEmpty();
    }

    @Test
    void aLoraDownloadAnswered409StopsTheAttemptAndReportsNothing() throws Exception {
        ClaimedLora lora = served("style-a");
        server.answerLorasWith(409);

        JobReport report = runner.run(job("stale", List.of(lora), List.of()));

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.STOPPED);
        assertThat(server.failures()).isEmpty();
        assertThat(comfyUi.submittedPrompts()).isEmpty();
    }

    @Test
    void leastRecentlyUsedLorasAreRemovedOverTheLimitButNeverTheCurrentJobs() throws Exception {
        byte[] sample = StandInLoras.safetensors("a");
        Path oldest = cached("a", NOW.minusSeconds(4 * 3600));
        Path older = cached("b", NOW.minusSeconds(3 * 3600));
        Path old = cached("c", NOW.minusSeconds(2 * 3600));
        Path notOurs = Files.writeString(loras.resolve("someones-own.safetensors"), "x".repeat(10_000));
        Path otherName = Files.writeString(loras.resolve("text2image").resolve("readme.txt"), "x".repeat(10_000));
        startRunner(2L * sample.length); // room for two
        ClaimedLora fresh = served("d");

        JobReport report = runner.run(job("two-loras", List.of(new ClaimedLora(UUID.randomUUID(), sha256(sample),
                sample.length), fresh), List.of()));

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.SUCCEEDED);
        assertThat(oldest).exists(); // the job uses it: marked used now, kept
        assertThat(cache.fileOf(fresh.sha256())).exists();
        assertThat(older).doesNotExist();
        assertThat(old).doesNotExist();
        assertThat(notOurs).exists();
        assertThat(otherName).exists();
    }

    @Test
    void removedLorasOfAClaimAreDeletedFromTheFolder() throws Exception {
        Path deleted = cached("deleted", NOW.minusSeconds(60));
        Path kept = cached("kept", NOW.minusSeconds(60));

        JobReport report = runner.run(job("plain", List.of(), List.of(sha256(StandInLoras.safetensors("deleted")))));

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.SUCCEEDED);
        assertThat(deleted).doesNotExist();
        assertThat(kept).exists();
    }

    @Test
    void aLoraFileNotInTheFolderIsRefusedByComfyUiAndTheJobFailsNamingIt() throws Exception {
        ClaimedLora lora = served("style-a");
        runner.run(job("first", List.of(lora), List.of()));
        Files.delete(cache.fileOf(lora.sha256()));
        ObjectNode workflow = workflow("direct", lora.sha256());

        JobReport report = new JobRunner(new ComfyUiClient(comfyUi.baseUrl(), Duration.ofSeconds(2), Duration.ofSeconds(10)),
                client, "t2i-no-cache", Duration.ofMillis(100), JobRunnerTestBase.FAST, Clock.systemUTC())
                .run(Jobs.claimed(workflow));

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.FAILED_PERMANENTLY);
        assertThat(report.detail()).contains(WorkerApi.loraFileName(lora.sha256()), "not have");
    }

    /** A LoRA the fake server sends: StandInLoras' file for {@code seed}. */
    private ClaimedLora served(String seed) throws Exception {
        byte[] file = StandInLoras.safetensors(seed);
        UUID id = UUID.randomUUID();
        server.loraFile(id, file);
        return new ClaimedLora(id, sha256(file), file.length);
    }

    /** A file already in the cache, last used at {@code used}. */
    private Path cached(String seed, Instant used) throws Exception {
        byte[] file = StandInLoras.safetensors(seed);
        Path path = loras.resolve("text2image").resolve(sha256(file) + ".safetensors");
        Files.createDirectories(path.getParent());
        Files.write(path, file);
        Files.setLastModifiedTime(path, FileTime.from(used));
        return path;
    }

    /** An sd15 job whose model goes through a LoraLoaderModelOnly of the first LoRA (if any). */
    private static ClaimedJob job(String tag, List<ClaimedLora> loras, List<String> removed) {
        ObjectNode workflow = loras.isEmpty() ? Jobs.withPrefix(ComfyUiFixtures.sd15Workflow(), "9", tag)
                : workflow(tag, loras.getFirst().sha256());
        UUID id = UUID.randomUUID();
        return new ClaimedJob(id, 1, workflow, id + "-1", 30, 60, null, null, loras, removed);
    }

    /** The sd15 workflow with node 20, LoraLoaderModelOnly, between the checkpoint loader and KSampler (as the server renders it). */
    private static ObjectNode workflow(String tag, String sha256) {
        ObjectNode workflow = Jobs.withPrefix(ComfyUiFixtures.sd15Workflow(), "9", tag);
        ObjectNode lora = workflow.putObject("20").put("class_type", "LoraLoaderModelOnly");
        ObjectNode inputs = lora.putObject("inputs");
        inputs.putArray("model").add("4").add(0);
        inputs.put("lora_name", WorkerApi.loraFileName(sha256)).put("strength_model", 1.0);
        ((ObjectNode) workflow.get("3").get("inputs")).putArray("model").add("20").add(0);
        return workflow;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
