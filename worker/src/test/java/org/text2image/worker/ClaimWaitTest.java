package org.text2image.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.text2image.worker.comfyui.standin.ComfyUiFixtures;

/** Long-poll claims: a job that arrives while the claim waits, and a stop or a change in ComfyUI that ends the wait. */
class ClaimWaitTest extends WorkerLoopTestBase {

    @Test
    void aJobQueuedWhileTheClaimWaitsIsRunOnThatClaim() throws Exception {
        server.holdLongPollClaims();
        startLoop();
        server.awaitUntil(() -> server.claims().size() == 1, WAIT);

        server.offer(Jobs.claimed(ComfyUiFixtures.modelFreeWorkflow()));

        server.awaitUntil(() -> server.completions().size() == 1, WAIT);
        assertThat(server.claims().getFirst().waitSeconds()).isEqualTo(20);
        assertThat(server.jobsGivenToWaitingClaims()).isEqualTo(1);
    }

    @Test
    void stopEndsAWaitingClaimAndTellsTheServer() throws Exception {
        server.holdLongPollClaims();
        startLoop();
        server.awaitUntil(() -> server.claims().size() == 1, WAIT);

        loop.stop();

        assertThat(loop.awaitStopped(WAIT)).isTrue(); // well before the 20 s wait would end
        assertThat(server.cancelledClaims()).isEqualTo(1);
        assertThat(server.claims()).hasSize(1);
    }

    @Test
    void aWaitingClaimIsRenewedWhenComfyUiGoesDownSoTheServerLearnsAtOnce() throws Exception {
        server.holdLongPollClaims();
        startLoop();
        server.awaitUntil(() -> server.claims().size() == 1, WAIT);

        comfyUi.goOffline();

        server.awaitUntil(() -> server.claims().stream().anyMatch(claim -> !claim.backendReachable()), WAIT);
        assertThat(server.cancelledClaims()).isGreaterThanOrEqualTo(1);
        assertThat(server.claims().getFirst().backendReachable()).isTrue();
    }
}
