package org.text2image.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.FailRequest;
import org.text2image.worker.comfyui.standin.ComfyUiFixtures;

/**
 * A worker started with {@code --train} runs training claims end to end: the ComfyUI stand-in
 * trains (as the captured runs), a fake worker API takes the heartbeats, the LoRA and the ends.
 */
class TrainingJobTest extends WorkerLoopTestBase {

    @Override
    WorkerConfig config() {
        return super.config().withTraining(true);
    }

    @Test
    void aTrainingRunsToTheEndAndUploadsTheLoraWithItsAttempt() throws Exception {
        comfyUi.installedCheckpoints(ComfyUiFixtures.SD15_CHECKPOINT);
        comfyUi.runDuration(Duration.ofMillis(1500));
        ClaimedJob training = Trainings.claimed(server, 2, 3, 4);
        server.offer(training);

        startLoop();
        server.awaitUntil(() -> !server.completions().isEmpty(), WAIT);

        assertThat(server.claims().getFirst().train()).isTrue();
        assertThat(server.claims().getFirst().loras()).isFalse();
        FakeWorkerApi.Completion completion = server.completions().getFirst();
        assertThat(completion.jobId()).isEqualTo(training.jobId());
        assertThat(completion.attempt()).isEqualTo(2);
        assertThat(completion.images()).singleElement().satisfies(part -> {
            assertThat(part.name()).isEqualTo("lora");
            assertThat(part.filename()).isEqualTo(Trainings.loraFileName(training));
            assertThat(part.contentType()).isEqualTo("application/octet-stream");
            assertThat(part.bytes()).isEqualTo(comfyUi.outputFile("loras", Trainings.loraFileName(training)));
        });
        List<String> events = server.trainingEvents();
        assertThat(events.getFirst()).isEqualTo("training heartbeat " + training.jobId());
        assertThat(events.getLast()).isEqualTo("training complete " + training.jobId());
        assertThat(server.heartbeats()).allSatisfy(beat -> {
            assertThat(beat.jobId()).isEqualTo(training.jobId());
            assertThat(beat.heartbeat().attempt()).isEqualTo(2);
        });
        assertThat(server.heartbeats().getFirst().heartbeat().step()).isZero();
        assertThat(server.heartbeats()).anySatisfy(beat -> {
            assertThat(beat.heartbeat().step()).isBetween(1, 4);
            assertThat(beat.heartbeat().totalSteps()).isEqualTo(4);
        });
        String folder = training.training().datasetFolder();
        assertThat(comfyUi.inputFiles(folder)).containsExactly("img0.png", "img0.txt", "img1.png", "img1.txt", "img2.png", "img2.txt");
        assertThat(new String(comfyUi.inputFile(folder, "img1.txt"), StandardCharsets.UTF_8)).isEqualTo("photo of sks dog 1");
        assertThat(comfyUi.submittedPrompts().getFirst().promptId()).isEqualTo(training.promptId());
        assertThat(server.failures()).isEmpty();
    }

    @Test
    void aCancelRequestInterruptsComfyUiAndFailsTheTrainingAsCancelled() throws Exception {
        ClaimedJob training = trainingUnderWay();
        server.cancelRunningJobs();
        server.awaitUntil(() -> !server.failures().isEmpty(), WAIT);

        assertThat(server.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.jobId()).isEqualTo(training.jobId());
            assertThat(failure.request()).isEqualTo(new FailRequest(1, "Cancelled", false));
        });
        assertThat(server.trainingEvents()).contains("training fail " + training.jobId());
        assertThat(comfyUi.interruptCount()).isGreaterThanOrEqualTo(1);
        assertThat(comfyUi.awaitIdle(WAIT)).isTrue();
        assertThat(comfyUi.outputFile("loras", Trainings.loraFileName(training))).isNull();
        assertThat(server.completions()).isEmpty();
    }

    @Test
    void anErrorWhileComfyUiTrainsFailsTheTrainingRetryable() throws Exception {
        comfyUi.installedCheckpoints(ComfyUiFixtures.SD15_CHECKPOINT);
        comfyUi.failNextRuns(1);
        ClaimedJob training = Trainings.claimed(server, 1, 2, 3);
        server.offer(training);

        startLoop();
        server.awaitUntil(() -> !server.failures().isEmpty(), WAIT);

        FailRequest failure = server.failures().getFirst().request();
        assertThat(failure.retryable()).isTrue();
        assertThat(failure.reason()).startsWith("ComfyUI error").contains("OutOfMemoryError");
        assertThat(server.trainingEvents()).contains("training fail " + training.jobId());
        assertThat(server.completions()).isEmpty();
    }

    @Test
    void aBaseCheckpointComfyUiDoesNotHaveFailsTheTrainingForGood() throws Exception {
        ClaimedJob training = Trainings.claimed(server, 1, 2, 3);
        server.offer(training);

        startLoop();
        server.awaitUntil(() -> !server.failures().isEmpty(), WAIT);

        FailRequest failure = server.failures().getFirst().request();
        assertThat(failure.retryable()).isFalse();
        assertThat(failure.reason()).contains(ComfyUiFixtures.SD15_CHECKPOINT, "not have");
        assertThat(comfyUi.submittedPrompts()).isEmpty();
    }

    @Test
    void aTrainingNoLongerOursIsStoppedAndNothingIsReported() throws Exception {
        ClaimedJob training = trainingUnderWay();
        server.answerHeartbeatsWith(409);
        assertThat(comfyUi.awaitIdle(WAIT)).isTrue();
        server.awaitUntil(() -> server.claims().size() >= 2, WAIT); // the loop went on to claim again

        assertThat(comfyUi.interruptCount()).isGreaterThanOrEqualTo(1);
        assertThat(server.trainingEvents()).noneMatch(event -> event.startsWith("training fail")
                || event.startsWith("training complete") || event.startsWith("training handback"));
    }

    @Test
    void aWorkerStoppingMidTrainingInterruptsItAndHandsItBack() throws Exception {
        ClaimedJob training = trainingUnderWay();
        loop.stopNow();
        assertThat(loop.awaitStopped(WAIT)).isTrue();

        assertThat(server.handBacks()).singleElement().satisfies(back -> {
            assertThat(back.jobId()).isEqualTo(training.jobId());
            assertThat(back.request().attempt()).isEqualTo(1);
        });
        assertThat(server.trainingEvents()).contains("training handback " + training.jobId());
        assertThat(comfyUi.awaitIdle(WAIT)).isTrue();
        assertThat(server.failures()).isEmpty();
    }

    @Test
    void aWorkerWithoutTrainSaysSoInItsClaims() throws Exception {
        loop = new WorkerLoop(super.config(), java.time.Clock.systemUTC(), JobRunnerTestBase.FAST);
        thread = Thread.ofPlatform().start(loop);

        server.awaitUntil(() -> !server.claims().isEmpty(), WAIT);

        assertThat(server.claims().getFirst().train()).isFalse();
        assertThat(server.claims().getFirst().loras()).isFalse();
    }

    /** A 30-step training (6 s on the stand-in) offered, claimed by the started loop, and past its first step. */
    private ClaimedJob trainingUnderWay() throws Exception {
        comfyUi.installedCheckpoints(ComfyUiFixtures.SD15_CHECKPOINT);
        comfyUi.runDuration(Duration.ofSeconds(6));
        ClaimedJob training = Trainings.claimed(server, 1, 2, 30);
        server.offer(training);
        startLoop();
        server.awaitUntil(() -> server.heartbeats().stream().anyMatch(beat -> beat.heartbeat().step() >= 1), WAIT);
        return training;
    }
}
