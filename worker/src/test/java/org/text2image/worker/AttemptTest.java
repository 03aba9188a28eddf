package org.text2image.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.text2image.worker.comfyui.standin.ComfyUiFixtures;

/** A started attempt's ends: kept alive while it waits, abandoned, or finished after the server said stop. */
class AttemptTest extends JobRunnerTestBase {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Override
    Duration heartbeatInterval() {
        return Duration.ofHours(1);
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
