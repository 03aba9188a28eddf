package org.text2image.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.text2image.worker.api.ClaimRequest;
import org.text2image.worker.comfyui.PromptRun;
import org.text2image.worker.comfyui.standin.ComfyUiFixtures;
import org.text2image.worker.comfyui.standin.ComfyUiStandIn;

/** The pull loop on its own thread, against the ComfyUI stand-in and a fake worker API. */
class WorkerLoopTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private ComfyUiStandIn comfyUi;
    private FakeWorkerApi server;
    private WorkerLoop loop;
    private Thread thread;

    @BeforeEach
    void start() throws Exception {
        comfyUi = new ComfyUiStandIn().start();
        server = new FakeWorkerApi();
    }

    @AfterEach
    void stop() throws Exception {
        if (loop != null) {
            loop.stopNow();
            assertThat(loop.awaitStopped(WAIT)).isTrue();
        }
        server.close();
        comfyUi.close();
    }

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

    @Test
    void prefetchesTheNextJobWhileTheFirstIsStillRunning() throws Exception {
        offerTwoSd15Jobs(Duration.ofMillis(400));

        startLoop();

        server.awaitUntil(() -> server.completions().size() == 2, WAIT);
        List<String> callsBeforeFirstCompletion = server.calls().subList(0, server.calls().indexOf("complete"));
        assertThat(callsBeforeFirstCompletion.stream().filter("claim"::equals)).hasSize(2);
        assertThat(server.claims().get(1).waitSeconds()).isZero(); // a prefetch does not long-poll
        assertThat(comfyUi.completedCount()).isEqualTo(2);
    }

    @Test
    void aPrefetchedJobIsHeartbeatWhileItWaitsForASlowUpload() throws Exception {
        offerTwoSd15Jobs(Duration.ofMillis(300));
        server.delayCompletions(Duration.ofMillis(1200)); // longer than the prefetched job's own run
        startLoop();

        server.awaitUntil(() -> server.completions().size() == 2, WAIT);

        UUID first = server.completions().get(0).jobId();
        UUID second = server.completions().get(1).jobId();
        List<String> events = server.events();
        List<String> beforeFirstCompletion = events.subList(0, events.indexOf("complete " + first));
        // Its first heartbeat confirmed the claim; the others kept its lease during the slow upload.
        assertThat(beforeFirstCompletion.stream().filter(("heartbeat " + second)::equals)).hasSizeGreaterThan(4);
        assertThat(server.failures()).isEmpty();
    }

    @Test
    void withoutPrefetchTheNextClaimComesAfterTheCompletion() throws Exception {
        offerTwoSd15Jobs(Duration.ofMillis(200));

        loop = new WorkerLoop(config().withPrefetch(false));
        thread = Thread.ofPlatform().daemon(true).start(loop);

        server.awaitUntil(() -> server.completions().size() == 2, WAIT);
        List<String> calls = server.calls();
        assertThat(calls.subList(0, calls.indexOf("complete"))).containsOnlyOnce("claim");
    }

    @Test
    void stoppingHandsBackThePrefetchedJobAndRemovesItsPrompt() throws Exception {
        offerTwoSd15Jobs(Duration.ofMillis(600));
        startLoop();
        server.awaitUntil(() -> comfyUi.submittedPrompts().size() == 2, WAIT);

        loop.stop();

        assertThat(loop.awaitStopped(WAIT)).isTrue();
        assertThat(server.completions()).hasSize(1);
        assertThat(server.handBacks()).singleElement().satisfies(handBack ->
                assertThat(handBack.request().reason()).isEqualTo("worker stopping"));
        assertThat(comfyUi.awaitIdle(WAIT)).isTrue();
        assertThat(comfyUi.completedCount()).isEqualTo(1);
    }

    @Test
    void anIdleLoopThatNeverStartedCountsAsStopped() throws Exception {
        WorkerLoop unstarted = new WorkerLoop(config());

        unstarted.stop();

        assertThat(unstarted.awaitStopped(Duration.ZERO)).isTrue();
    }

    private WorkerConfig config() {
        return WorkerConfig.of(server.baseUrl(), FakeWorkerApi.TOKEN, comfyUi.baseUrl(), "gpu-box-1")
                .withIdleInterval(Duration.ofMillis(50))
                .withHeartbeatInterval(Duration.ofMillis(100))
                .withHealthCheckInterval(Duration.ofMillis(50))
                .withMaxBackoff(Duration.ofMillis(200));
    }

    /** Two sd15 jobs waiting on the server, each taking {@code runTime} on ComfyUI. */
    private void offerTwoSd15Jobs(Duration runTime) {
        comfyUi.runDuration(runTime);
        comfyUi.installedCheckpoints(ComfyUiFixtures.SD15_CHECKPOINT);
        server.offer(Jobs.claimed(Jobs.withPrefix(ComfyUiFixtures.sd15Workflow(), "9", "first")));
        server.offer(Jobs.claimed(Jobs.withPrefix(ComfyUiFixtures.sd15Workflow(), "9", "second")));
    }

    private void startLoop() {
        loop = new WorkerLoop(config(), Clock.systemUTC(), new PromptRun.Timing(Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofSeconds(2)));
        thread = Thread.ofPlatform().name("worker-loop-test").start(loop);
    }
}
