package org.text2image.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.text2image.worker.api.ClaimRequest;
import org.text2image.worker.comfyui.standin.ComfyUiFixtures;

/** The pull loop's life: claims and runs, waits out ComfyUI or the server being down, stops. */
class WorkerLoopTest extends WorkerLoopTestBase {

    @Test
    void claimsRunsAndCompletesOfferedJobs() throws Exception {
        comfyUi.installedCheckpoints(ComfyUiFixtures.SD15_CHECKPOINT, "other.safetensors");
        server.offer(Jobs.claimed(Jobs.withPrefix(ComfyUiFixtures.modelFreeWorkflow(), "3", "a")));
        server.offer(Jobs.claimed(Jobs.withPrefix(ComfyUiFixtures.sd15Workflow(), "9", "b")));

        startLoop();

        server.awaitUntil(() -> server.completions().size() == 2, WAIT);
        assertThat(server.completions()).extracting(c -> c.images().getFirst().filename())
                .containsExactly("a_00001_.png", "b_00001_.png");
        assertThat(server.claims()).first().isEqualTo(new ClaimRequest("gpu-box-1", true,
                java.util.List.of(ComfyUiFixtures.SD15_CHECKPOINT, "other.safetensors"),
                "cpu", 25276502016L, 24168267776L, "0.8.0", 20));
        assertThat(comfyUi.submittedPrompts()).allSatisfy(p -> assertThat(p.clientId()).isEqualTo(loop.clientId()));
        assertThat(loop.clientId()).startsWith("t2i-gpu-box-1-");
    }

    @Test
    void claimCarriesTheGpuAndComfyUiVersionFromSystemStats() throws Exception {
        startLoop();

        server.awaitUntil(() -> !server.claims().isEmpty(), WAIT);
        ClaimRequest claim = server.claims().getFirst();
        assertThat(claim.gpuName()).isEqualTo("cpu");
        assertThat(claim.vramTotalBytes()).isEqualTo(25276502016L);
        assertThat(claim.vramFreeBytes()).isEqualTo(24168267776L);
        assertThat(claim.comfyUiVersion()).isEqualTo("0.8.0");
    }

    @Test
    void claimsWithBackendUnreachableAndRunsNothingWhileComfyUiIsOffline() throws Exception {
        comfyUi.goOffline();
        server.offer(Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow()));

        startLoop();

        server.awaitUntil(() -> server.claims().size() >= 3, WAIT);
        assertThat(server.claims()).allSatisfy(claim -> {
            assertThat(claim.backendReachable()).isFalse();
            assertThat(claim.checkpoints()).isEmpty();
            assertThat(claim.gpuName()).isNull();
        });
        assertThat(server.completions()).isEmpty();
        assertThat(server.failures()).isEmpty();

        comfyUi.comeBackOnline();

        server.awaitUntil(() -> server.completions().size() == 1, WAIT);
        assertThat(comfyUi.submittedPrompts()).hasSize(1);
    }

    @Test
    void keepsClaimingWhileTheServerIsDownAndRunsJobsOnceItIsBack() throws Exception {
        server.unavailable(true);

        startLoop();

        server.awaitUntil(() -> server.requests() >= 3, WAIT);
        server.offer(Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow()));
        server.unavailable(false);
        server.awaitUntil(() -> server.completions().size() == 1, WAIT);
    }

    @Test
    void stopsPromptlyWhenIdle() throws Exception {
        startLoop();
        server.awaitUntil(() -> server.claims().size() >= 1, WAIT);

        loop.stop();

        assertThat(loop.awaitStopped(WAIT)).isTrue();
        thread.join(WAIT.toMillis());
        assertThat(thread.isAlive()).isFalse();
    }

    @Test
    void stopNowHandsTheRunningJobBack() throws Exception {
        comfyUi.hangNextRuns(1);
        server.offer(Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow()));
        startLoop();
        server.awaitUntil(() -> !server.heartbeats().isEmpty(), WAIT);

        loop.stopNow();

        assertThat(loop.awaitStopped(WAIT)).isTrue();
        assertThat(server.handBacks()).singleElement().satisfies(handBack ->
                assertThat(handBack.request().reason()).isEqualTo("worker stopped"));
        assertThat(server.failures()).isEmpty();
        assertThat(comfyUi.interruptCount()).isEqualTo(1);
    }

    @Test
    void anIdleLoopThatNeverStartedCountsAsStopped() throws Exception {
        WorkerLoop unstarted = new WorkerLoop(config());

        unstarted.stop();

        assertThat(unstarted.awaitStopped(Duration.ZERO)).isTrue();
    }
}
