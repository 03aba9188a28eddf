package org.text2image.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.comfyui.ComfyUiClient;
import org.text2image.worker.comfyui.PromptRun;
import org.text2image.worker.comfyui.standin.ComfyUiFixtures;
import tools.jackson.databind.node.ObjectNode;

/** One attempt end to end: the ComfyUI stand-in and a fake worker API. */
class JobRunnerTest extends JobRunnerTestBase {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @Test
    void uploadsThePngsWithTheClaimedAttempt() {
        comfyUi.installedCheckpoints(ComfyUiFixtures.SD15_CHECKPOINT);
        ObjectNode workflow = ComfyUiFixtures.sd15Workflow();
        ((ObjectNode) workflow.at("/5/inputs")).put("batch_size", 2);
        ClaimedJob job = Jobs.claimed(workflow, 3, 60);

        JobReport report = runner.run(job);

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.SUCCEEDED);
        assertThat(report.images()).isEqualTo(2);
        assertThat(server.completions()).singleElement().satisfies(completion -> {
            assertThat(completion.jobId()).isEqualTo(job.jobId());
            assertThat(completion.attempt()).isEqualTo(3);
            assertThat(completion.images()).extracting(FakeWorkerApi.Part::filename)
                    .containsExactly("ComfyUI_00001_.png", "ComfyUI_00002_.png");
            assertThat(completion.images()).allSatisfy(image -> {
                assertThat(image.contentType()).isEqualTo("image/png");
                assertThat(image.bytes()).startsWith(PNG_SIGNATURE);
            });
        });
        assertThat(server.failures()).isEmpty();
        assertThat(comfyUi.submittedPrompts()).singleElement().satisfies(prompt -> {
            assertThat(prompt.promptId()).isEqualTo(job.promptId());
            assertThat(prompt.clientId()).isEqualTo("t2i-test-worker");
        });
    }

    @Test
    void confirmsTheClaimWithAHeartbeatAsSoonAsThePromptIsPosted() {
        JobRunner slowBeats = new JobRunner(new ComfyUiClient(comfyUi.baseUrl(), Duration.ofSeconds(2), Duration.ofSeconds(10)),
                new WorkerApiClient(server.baseUrl(), FakeWorkerApi.TOKEN, Duration.ofSeconds(2), Duration.ofSeconds(10)),
                "t2i-test-worker", Duration.ofHours(1), FAST, Clock.systemUTC());
        ClaimedJob job = Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow(), 2, 60);

        JobReport report = slowBeats.run(job);

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.SUCCEEDED);
        assertThat(server.heartbeats()).singleElement().satisfies(beat -> {
            assertThat(beat.jobId()).isEqualTo(job.jobId());
            assertThat(beat.heartbeat().attempt()).isEqualTo(2);
        });
    }

    @Test
    void relaysComfyUisLivePreviewsToTheServer() {
        comfyUi.sendPreviews(true);
        comfyUi.runDuration(Duration.ofMillis(1500));
        comfyUi.installedCheckpoints(ComfyUiFixtures.SD15_CHECKPOINT);

        JobReport report = runner.run(Jobs.claimed(ComfyUiFixtures.sd15Workflow()));

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.SUCCEEDED);
        assertThat(server.previews()).isNotEmpty().hasSizeLessThanOrEqualTo(3) // at most one a second
                .allSatisfy(png -> assertThat(png).startsWith(PNG_SIGNATURE));
    }

    @Test
    void reportsAMissingCheckpointAsAPermanentFailure() {
        JobReport report = runner.run(Jobs.claimed(ComfyUiFixtures.sd15Workflow()));

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.FAILED_PERMANENTLY);
        assertThat(server.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.request().retryable()).isFalse();
            assertThat(failure.request().attempt()).isEqualTo(1);
            assertThat(failure.request().reason()).isEqualTo(
                    "This GPU worker does not have the model file v1-5-pruned-emaonly.safetensors installed, so it cannot run this job.");
        });
        assertThat(server.completions()).isEmpty();
    }

    @Test
    void reportsOutOfMemoryAsARetryableFailureNamingTheNode() {
        comfyUi.installedCheckpoints(ComfyUiFixtures.SD15_CHECKPOINT);
        comfyUi.failNextRuns(1);

        JobReport report = runner.run(Jobs.claimed(ComfyUiFixtures.sd15Workflow()));

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.FAILED_RETRYABLE);
        assertThat(server.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.request().retryable()).isTrue();
            assertThat(failure.request().reason()).startsWith("ComfyUI error in KSampler: torch.OutOfMemoryError: Allocation on device");
        });
    }

    @Test
    void interruptsAndFailsWhenTheAttemptTimesOut() {
        comfyUi.hangNextRuns(1);

        JobReport report = runner.run(Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow(), 1, 1));

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.FAILED_RETRYABLE);
        assertThat(server.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.request().retryable()).isTrue();
            assertThat(failure.request().reason()).isEqualTo("timed out after 1 s");
        });
        assertThat(comfyUi.interruptCount()).isEqualTo(1);
        assertThat(server.completions()).isEmpty();
    }

    @Test
    void interruptsWithoutUploadingWhenAHeartbeatAnswers409() {
        comfyUi.hangNextRuns(1);
        server.answerHeartbeatsWith(409);

        JobReport report = runner.run(Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow()));

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.STOPPED);
        assertThat(report.detail()).startsWith("attempt no longer ours");
        assertThat(comfyUi.interruptCount()).isEqualTo(1);
        assertThat(server.completions()).isEmpty();
        assertThat(server.failures()).isEmpty();
    }

    @Test
    void interruptsWithoutUploadingWhenTheJobIsCancelled() {
        comfyUi.hangNextRuns(1);
        server.cancelRunningJobs();

        JobReport report = runner.run(Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow()));

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.STOPPED);
        assertThat(report.detail()).isEqualTo("cancelled");
        assertThat(comfyUi.interruptCount()).isEqualTo(1);
        assertThat(server.completions()).isEmpty();
    }

    @Test
    void failsRetryablyWhenComfyUiIsUnreachable() {
        comfyUi.goOffline();

        JobReport report = runner.run(Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow()));

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.FAILED_RETRYABLE);
        assertThat(server.failures()).singleElement()
                .satisfies(failure -> assertThat(failure.request().reason()).startsWith("ComfyUI unreachable: POST /prompt failed"));
    }

    @Test
    void heartbeatsCarryTheSamplersProgress() {
        comfyUi.installedCheckpoints(ComfyUiFixtures.SD15_CHECKPOINT);
        comfyUi.runDuration(Duration.ofMillis(1500));
        ClaimedJob job = Jobs.claimed(ComfyUiFixtures.sd15Workflow(), 2, 60);

        assertThat(runner.run(job).outcome()).isEqualTo(JobReport.Outcome.SUCCEEDED);

        assertThat(server.heartbeats()).isNotEmpty().allSatisfy(beat -> {
            assertThat(beat.jobId()).isEqualTo(job.jobId());
            assertThat(beat.heartbeat().attempt()).isEqualTo(2);
        });
        assertThat(server.heartbeats()).anySatisfy(beat -> {
            assertThat(beat.heartbeat().totalSteps()).isEqualTo(20);
            assertThat(beat.heartbeat().step()).isBetween(1, 20);
        });
    }

    @Test
    void heartbeatsSayComfyUiIsUnreachableWhileItIsDownDuringTheRun() throws Exception {
        comfyUi.runDuration(Duration.ofSeconds(5));
        ClaimedJob job = Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow());
        Thread outage = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < 200 && comfyUi.submittedPrompts().isEmpty(); i++) {
                    Thread.sleep(50); // until the prompt is posted and running
                }
                comfyUi.goOffline();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        // A dead ComfyUI refuses at once; a short request timeout keeps a connection the outage left
        // half-open from holding the run's next look for long.
        JobRunner patient = new JobRunner(new ComfyUiClient(comfyUi.baseUrl(), Duration.ofSeconds(1), Duration.ofSeconds(1)),
                new WorkerApiClient(server.baseUrl(), FakeWorkerApi.TOKEN, Duration.ofSeconds(2), Duration.ofSeconds(10)),
                "t2i-test-worker", Duration.ofMillis(100),
                new PromptRun.Timing(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofSeconds(4)),
                Clock.systemUTC());

        JobReport report;
        try {
            report = patient.run(job);
        } finally {
            patient.close();
        }
        outage.join();

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.FAILED_RETRYABLE);
        assertThat(server.heartbeats()).extracting(beat -> beat.heartbeat().backendReachable())
                .startsWith(true).contains(false);
    }

    @Test
    void reconcilesThroughHistoryWhenTheSocketDrops() {
        comfyUi.runDuration(Duration.ofMillis(300));
        comfyUi.dropSocketDuringNextRun();

        JobReport report = runner.run(Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow()));

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.SUCCEEDED);
        assertThat(server.completions()).singleElement().satisfies(c -> assertThat(c.images()).hasSize(1));
    }

    @Test
    void keepsOneSocketOpenAcrossJobsAndOpensANewOneAfterItDrops() {
        assertThat(runner.run(Jobs.claimed(Jobs.withPrefix(ComfyUiFixtures.modelFreeWorkflow(), "3", "one"))).outcome())
                .isEqualTo(JobReport.Outcome.SUCCEEDED);
        assertThat(runner.run(Jobs.claimed(Jobs.withPrefix(ComfyUiFixtures.modelFreeWorkflow(), "3", "two"))).outcome())
                .isEqualTo(JobReport.Outcome.SUCCEEDED);
        assertThat(comfyUi.socketsOpened()).isEqualTo(1);

        comfyUi.runDuration(Duration.ofMillis(300));
        comfyUi.dropSocketDuringNextRun();
        assertThat(runner.run(Jobs.claimed(Jobs.withPrefix(ComfyUiFixtures.modelFreeWorkflow(), "3", "three"))).outcome())
                .isEqualTo(JobReport.Outcome.SUCCEEDED);
        comfyUi.runDuration(Duration.ZERO);
        JobReport afterDrop = runner.run(Jobs.claimed(Jobs.withPrefix(ComfyUiFixtures.modelFreeWorkflow(), "3", "four")));

        assertThat(afterDrop.outcome()).isEqualTo(JobReport.Outcome.SUCCEEDED);
        assertThat(comfyUi.socketsOpened()).isEqualTo(2);
    }

    @Test
    void looksInComfyUisQueueBeforePostingAgainAfterALostAnswer() {
        comfyUi.loseNextPromptAnswer();

        JobReport report = runner.run(Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow()));

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.SUCCEEDED);
        assertThat(comfyUi.submittedPrompts()).hasSize(1);
    }

    @Test
    void keepsNothingWhenTheCompletionIsStale() {
        server.answerCompletionsWith(409);

        JobReport report = runner.run(Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow()));

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.STOPPED);
        assertThat(report.detail()).startsWith("attempt no longer ours");
    }

    @Test
    void handsTheJobBackWhenTheWorkerThreadIsInterrupted() throws Exception {
        comfyUi.hangNextRuns(1);
        AtomicReference<JobReport> report = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread worker = Thread.ofPlatform().start(() -> {
            report.set(runner.run(Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow())));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        server.awaitUntil(() -> !server.heartbeats().isEmpty(), WAIT);

        worker.interrupt();
        worker.join(WAIT.toMillis());

        assertThat(report.get().outcome()).isEqualTo(JobReport.Outcome.HANDED_BACK);
        assertThat(server.handBacks()).singleElement().satisfies(h -> assertThat(h.request().reason()).isEqualTo("worker stopped"));
        assertThat(server.failures()).isEmpty();
        assertThat(comfyUi.interruptCount()).isEqualTo(1);
        assertThat(stillInterrupted.get()).isTrue();
    }
}
