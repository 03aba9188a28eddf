package org.text2image.worker.comfyui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.text2image.worker.comfyui.standin.ComfyUiFixtures;
import org.text2image.worker.comfyui.standin.ComfyUiStandIn;
import tools.jackson.databind.node.ObjectNode;

/** ComfyUiClient and PromptRun against the ComfyUI stand-in. */
class ComfyUiClientTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final PromptRun.Timing FAST = new PromptRun.Timing(Duration.ofSeconds(5), Duration.ofSeconds(5),
            Duration.ofMillis(50), Duration.ofSeconds(2));

    private ComfyUiStandIn standIn;
    private ComfyUiClient client;
    private final List<String> progress = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        standIn = new ComfyUiStandIn().start();
        client = new ComfyUiClient(standIn.baseUrl(), Duration.ofSeconds(2), Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        standIn.close();
    }

    @Test
    void uploadsAnInputImageUnderItsNameAndSubfolderAndReadsComfyUisAnswer() {
        byte[] png = ComfyUiFixtures.bytes("view.png");

        UploadedInput stored = client.uploadImage("job-1.png", "text2image", "image/png", png);

        assertThat(stored).isEqualTo(new UploadedInput("job-1.png", "text2image", "input"));
        assertThat(standIn.inputFile("text2image", "job-1.png")).isEqualTo(png);
    }

    @Test
    void anUploadReplacesADifferentFileOfTheSameNameInsteadOfRenamingIt() {
        client.uploadImage("job-1.png", "text2image", "image/png", new byte[] {1, 2, 3});

        UploadedInput stored = client.uploadImage("job-1.png", "text2image", "image/png", new byte[] {4, 5, 6});

        assertThat(stored.name()).as("overwrite=true: no \"job-1 (1).png\"").isEqualTo("job-1.png");
        assertThat(standIn.inputFile("text2image", "job-1.png")).containsExactly(4, 5, 6);
        assertThat(standIn.inputFile("text2image", "job-1 (1).png")).isNull();
    }

    @Test
    void listsTheDiffusionModels() {
        standIn.installedDiffusionModels("wan2.1_t2v_1.3B_fp16.safetensors");

        assertThat(client.diffusionModels()).containsExactly("wan2.1_t2v_1.3B_fp16.safetensors");
    }

    @Test
    void submitsTheSd15GraphFollowsItsProgressAndFetchesItsImage() throws Exception {
        standIn.installedCheckpoints(ComfyUiFixtures.SD15_CHECKPOINT);

        PromptHistory history = run(ComfyUiFixtures.sd15Workflow(), "job-1-1");

        assertThat(history.succeeded()).isTrue();
        assertThat(history.completed()).isTrue();
        assertThat(progress).hasSize(20).startsWith("1/20").endsWith("20/20");
        assertThat(history.images()).containsExactly(new ImageRef("ComfyUI_00001_.png", "", "output"));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(client.view(history.images().getFirst())));
        assertThat(image.getWidth()).isEqualTo(512);
        assertThat(image.getHeight()).isEqualTo(512);
        assertThat(standIn.submittedPrompts()).singleElement()
                .satisfies(p -> assertThat(p.clientId()).isEqualTo("client-1"))
                .satisfies(p -> assertThat(p.graph()).isEqualTo(ComfyUiFixtures.sd15Workflow()));
    }

    @Test
    void missingCheckpointThrowsAValidationExceptionWithAReadableMessage() {
        assertThatThrownBy(() -> client.submit(ComfyUiFixtures.sd15Workflow(), "p", "c"))
                .isInstanceOf(ComfyUiValidationException.class)
                .hasMessage("This GPU worker does not have the model file v1-5-pruned-emaonly.safetensors installed, "
                        + "so it cannot run this job.")
                .extracting(e -> ((ComfyUiValidationException) e).errorType())
                .isEqualTo("prompt_outputs_failed_validation");
        assertThat(standIn.submittedPrompts()).isEmpty();
    }

    @Test
    void validationWithoutNodeErrorsFallsBackToTheErrorMessage() {
        ObjectNode noOutputs = ComfyUiFixtures.modelFreeWorkflow();
        noOutputs.remove("3");

        assertThatThrownBy(() -> client.submit(noOutputs, "p", "c"))
                .isInstanceOf(ComfyUiValidationException.class).hasMessage("Prompt has no outputs");
    }

    @Test
    void runtimeErrorShowsInTheHistoryAsExceptionTypeAndMessage() throws Exception {
        standIn.installedCheckpoints(ComfyUiFixtures.SD15_CHECKPOINT);
        standIn.failNextRuns(1);

        PromptHistory history = run(ComfyUiFixtures.sd15Workflow(), "oom");

        assertThat(history.succeeded()).isFalse();
        assertThat(history.statusStr()).isEqualTo("error");
        assertThat(history.images()).isEmpty();
        assertThat(history.error()).hasValueSatisfying(error -> {
            assertThat(error.nodeType()).isEqualTo("KSampler");
            assertThat(error.text()).startsWith("torch.OutOfMemoryError: Allocation on device");
        });
    }

    @Test
    void reconcilesThroughHistoryWhenTheSocketDrops() throws Exception {
        standIn.installedCheckpoints(ComfyUiFixtures.SD15_CHECKPOINT);
        standIn.runDuration(Duration.ofMillis(300));
        standIn.dropSocketDuringNextRun();

        try (PromptRun run = PromptRun.open(client, "client-1", "dropped", this::progress, FAST, Clock.systemUTC())) {
            client.submit(ComfyUiFixtures.sd15Workflow(), "dropped", "client-1");
            PromptHistory history = await(run);

            assertThat(run.socketOpen()).isFalse();
            assertThat(history.succeeded()).isTrue();
            assertThat(history.images()).hasSize(1);
        }
        assertThat(progress).hasSizeLessThan(20);
    }

    @Test
    void followsByPollingWhenTheSocketCouldNotOpen() throws Exception {
        standIn.goOffline();
        try (PromptRun run = PromptRun.open(client, "c", "polled", this::progress, FAST, Clock.systemUTC())) {
            standIn.comeBackOnline();
            client.submit(ComfyUiFixtures.modelFreeWorkflow(), "polled", "c");

            assertThat(run.socketOpen()).isFalse();
            assertThat(await(run).succeeded()).isTrue();
        }
    }

    @Test
    void interruptStopsAHangingPrompt() throws Exception {
        standIn.hangNextRuns(1);
        try (PromptRun run = PromptRun.open(client, "c", "hang", this::progress, FAST, Clock.systemUTC())) {
            client.submit(ComfyUiFixtures.modelFreeWorkflow(), "hang", "c");
            awaitRunning("hang");
            assertThat(run.awaitDone(Duration.ofMillis(100))).isEmpty();

            client.interrupt("hang");
            PromptHistory history = await(run);

            assertThat(history.errorText()).hasValue("interrupted");
            assertThat(run.reportedError()).hasValueSatisfying(e -> assertThat(e.interrupted()).isTrue());
        }
        assertThat(standIn.interruptCount()).isEqualTo(1);
    }

    @Test
    void reportsAPromptThatLeftTheQueueWithoutHistory() throws Exception {
        standIn.hangNextRuns(1);
        client.submit(ComfyUiFixtures.workflow("wf_blur1.json"), "blocker", "other");
        try (PromptRun run = PromptRun.open(client, "c", "deleted", this::progress,
                new PromptRun.Timing(Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofSeconds(2)),
                Clock.systemUTC())) {
            client.submit(ComfyUiFixtures.modelFreeWorkflow(), "deleted", "c");
            assertThat(client.queue().isPending("deleted")).isTrue();

            client.deleteFromQueue(List.of("deleted"));

            assertThatThrownBy(() -> await(run)).isInstanceOf(ComfyUiException.class)
                    .hasMessageContaining("neither queued nor in ComfyUI's history");
        } finally {
            client.interrupt("blocker");
        }
    }

    @Test
    void identicalGraphIsServedFromCacheWithTheSameFile() throws Exception {
        PromptHistory first = run(ComfyUiFixtures.modelFreeWorkflow(), "first");
        PromptHistory second = run(ComfyUiFixtures.modelFreeWorkflow(), "second");

        assertThat(second.images()).isEqualTo(first.images())
                .containsExactly(new ImageRef("modelfree_00001_.png", "acceptance", "output"));
    }

    @Test
    void viewOfAMissingImageOrATraversalThrows() {
        assertThatThrownBy(() -> client.view(new ImageRef("nope.png", "", "output")))
                .isInstanceOf(ComfyUiException.class).hasMessageContaining("no image");
        assertThatThrownBy(() -> client.view(new ImageRef("x.png", "../..", "output")))
                .isInstanceOf(ComfyUiException.class).hasMessageContaining("403");
    }

    @Test
    void readsSystemStatsCheckpointsAndAnUnknownHistory() {
        standIn.installedCheckpoints("a.safetensors");

        SystemStats stats = client.systemStats();

        assertThat(stats.comfyuiVersion()).isEqualTo("0.8.0");
        assertThat(stats.devices()).containsExactly(new SystemStats.Device("cpu", 25276502016L, 24168267776L));
        assertThat(client.checkpoints()).containsExactly("a.safetensors");
        assertThat(client.history("unknown")).isEmpty();
        assertThat(client.queue()).isEqualTo(new QueueState(List.of(), List.of()));
    }

    @Test
    void anUnreachableComfyUiThrowsUnavailable() {
        standIn.goOffline();

        assertThatThrownBy(() -> client.systemStats()).isInstanceOf(ComfyUiUnavailableException.class)
                .hasMessageContaining("GET /system_stats failed");
        assertThatThrownBy(() -> client.submit(ComfyUiFixtures.modelFreeWorkflow(), "p", "c"))
                .isInstanceOf(ComfyUiUnavailableException.class);
    }

    @Test
    @Timeout(value = 40, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aComfyUiThatHoldsTheHealthCheckWithoutAnsweringCountsAsDownAfterTheHealthCheckTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> { // accepts connections and never answers
                List<Socket> held = new ArrayList<>();
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept());
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            ComfyUiClient patient = new ComfyUiClient(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/"),
                    Duration.ofSeconds(2), Duration.ofSeconds(60)); // job calls may wait a minute, health checks not

            assertThatThrownBy(patient::systemStats).isInstanceOf(ComfyUiUnavailableException.class)
                    .hasMessageContaining("GET /system_stats");
            assertThatThrownBy(patient::checkpoints).isInstanceOf(ComfyUiUnavailableException.class)
                    .hasMessageContaining("GET /models/checkpoints");
            patient.close();
        }
    }

    private PromptHistory run(ObjectNode graph, String promptId) throws InterruptedException {
        try (PromptRun run = PromptRun.open(client, "client-1", promptId, this::progress, FAST, Clock.systemUTC())) {
            assertThat(client.submit(graph, promptId, "client-1")).isEqualTo(promptId);
            return await(run);
        }
    }

    private void awaitRunning(String promptId) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!client.queue().isRunning(promptId)) {
            assertThat(System.nanoTime()).as(promptId + " running within " + WAIT).isLessThan(end);
            Thread.sleep(20);
        }
    }

    private static PromptHistory await(PromptRun run) throws InterruptedException {
        return run.awaitDone(WAIT).orElseThrow(() -> new AssertionError("prompt not done within " + WAIT));
    }

    private void progress(int value, int max) {
        progress.add(value + "/" + max);
    }
}
