package org.text2image.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.text2image.worker.comfyui.ComfyUiClient;
import org.text2image.worker.comfyui.PromptRun;
import org.text2image.worker.comfyui.standin.ComfyUiFixtures;
import org.text2image.worker.comfyui.standin.ComfyUiStandIn;

/** A started attempt's ends: kept alive while it waits, abandoned, or finished after the server said stop. */
class AttemptTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final PromptRun.Timing FAST = new PromptRun.Timing(Duration.ofSeconds(5), Duration.ofSeconds(5),
            Duration.ofMillis(50), Duration.ofSeconds(2));

    private ComfyUiStandIn comfyUi;
    private FakeWorkerApi server;
    private JobRunner runner;

    @BeforeEach
    void start() throws Exception {
        comfyUi = new ComfyUiStandIn().start();
        server = new FakeWorkerApi();
        runner = new JobRunner(new ComfyUiClient(comfyUi.baseUrl(), Duration.ofSeconds(2), Duration.ofSeconds(10)),
                new WorkerApiClient(server.baseUrl(), FakeWorkerApi.TOKEN, Duration.ofSeconds(2), Duration.ofSeconds(10)),
                "t2i-test-worker", Duration.ofHours(1), FAST, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        runner.close();
        server.close();
        comfyUi.close();
    }

    @Test
    void aKeepAliveAnswered409StopsThePromptAndFinishReportsItWithoutFollowing() {
        comfyUi.hangNextRuns(1);
        Attempt attempt = runner.start(Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow()), () -> { });
        server.answerHeartbeatsWith(409);

        attempt.keepAlive();
        attempt.keepAlive(); // the attempt has ended: no second heartbeat
        JobReport report = attempt.finish();

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.STOPPED);
        assertThat(report.detail()).startsWith("attempt no longer ours");
        assertThat(server.heartbeats()).hasSize(2); // the one that confirmed the claim, then the keep-alive
        assertThat(comfyUi.interruptCount()).isEqualTo(1);
        assertThat(server.completions()).isEmpty();
        assertThat(server.failures()).isEmpty();
    }

    @Test
    void sendsNoKeepAliveOnceTheAttemptHasFinished() {
        Attempt attempt = runner.start(Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow()), () -> { });
        assertThat(attempt.finish().outcome()).isEqualTo(JobReport.Outcome.SUCCEEDED);
        int beats = server.heartbeats().size();

        attempt.keepAlive();

        assertThat(server.heartbeats()).hasSize(beats);
    }

    @Test
    void abandoningHandsTheJobBackAndRemovesItsPrompt() throws Exception {
        comfyUi.hangNextRuns(1);
        Attempt attempt = runner.start(Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow()), () -> { });

        JobReport report = attempt.abandon("worker stopping");

        assertThat(report.outcome()).isEqualTo(JobReport.Outcome.HANDED_BACK);
        assertThat(server.handBacks()).singleElement().satisfies(handBack -> {
            assertThat(handBack.jobId()).isEqualTo(attempt.job().jobId());
            assertThat(handBack.request().reason()).isEqualTo("worker stopping");
        });
        assertThat(comfyUi.interruptCount()).isEqualTo(1);
        assertThat(comfyUi.awaitIdle(WAIT)).isTrue();
        assertThat(comfyUi.completedCount()).isZero();
        assertThat(server.completions()).isEmpty();
    }
}
