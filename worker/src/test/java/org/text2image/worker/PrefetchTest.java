package org.text2image.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Prefetch: the next job claimed and queued on ComfyUI while the running one finishes, kept alive, handed back on stop. */
class PrefetchTest extends WorkerLoopTestBase {

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
}
