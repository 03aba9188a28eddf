package org.text2image.server.generation.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobProgress;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.generation.LeasedJob;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.Viewer;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.DatabaseSignals;
import org.text2image.server.support.Images;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;

/**
 * A job's event stream driven through the queue API on the real database, with a recording sink:
 * how soon a committed change reaches the stream, and how bursts of steps are paced. The poll
 * interval is 10 s here, so any event that waited for a read on a timer would come seconds late.
 */
@IntegrationTest
class JobFollowerLatencyTest {

    private static final Duration POLL_INTERVAL = Duration.ofSeconds(10);
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration PROMPT = Duration.ofMillis(50);
    private static final int PROGRESS_PER_SECOND = 4;

    @Autowired AccountService accounts;
    @Autowired DatabaseSignals signals;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired TestDatabase db;

    SignedInUser alice;
    JobEventStreams streams;
    final BlockingQueue<Received> events = new LinkedBlockingQueue<>();

    /** One event as the sink got it, with the wall time it arrived. */
    record Received(JobProgress progress, long nanos) {
    }

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse");
        streams = new JobEventStreams(generation, new JobEventProperties(POLL_INTERVAL, Duration.ofSeconds(30),
                Duration.ofMinutes(1), 10, PROGRESS_PER_SECOND), signals);
        streams.start();
    }

    @AfterEach
    void tearDown() {
        streams.stop();
    }

    @Test
    void deliversTheFinalStateWithinMillisecondsOfItsCommitWithoutWaitingForAPollInterval() throws Exception {
        UUID jobId = follow();
        assertThat(next(status(JobStatus.QUEUED)).progress().queuePosition()).isEqualTo(1);
        LeasedJob claimed = queue.claim("test-worker", TestCatalog.CHECKPOINTS).orElseThrow();
        assertThat(next(status(JobStatus.RUNNING)).progress().step()).isZero();
        queue.heartbeat(jobId, claimed.attempt(), WorkerIdentity.CONFIGURED, 7, 20, true);

        queue.complete(jobId, claimed.attempt(), WorkerIdentity.CONFIGURED, TestImages.result(db, jobId));
        long committed = System.nanoTime(); // complete() returns right after its transaction commits
        Received done;
        do { // the step may go out first if the heartbeat came after a quiet moment
            done = next(event -> event.status() == JobStatus.RUNNING || event.status() == JobStatus.SUCCEEDED);
        } while (!done.progress().isFinal());

        long delay = done.nanos() - committed;
        System.out.printf("SUCCEEDED reached the stream %.2f ms after complete() committed%n", delay / 1e6);
        assertThat(Duration.ofNanos(delay)).as("final state delay after the commit").isLessThan(PROMPT);
        assertThat(done.progress().isFinal()).isTrue();
        assertThat(events.poll(200, TimeUnit.MILLISECONDS)).as("nothing after the final event").isNull();
    }

    @Test
    void aBurstOfStepsIsPacedToTheConfiguredRateAndEndsWithTheLatestStep() throws Exception {
        UUID jobId = follow();
        next(status(JobStatus.QUEUED));
        LeasedJob claimed = queue.claim("test-worker", TestCatalog.CHECKPOINTS).orElseThrow();
        Received running = next(status(JobStatus.RUNNING));

        long burstStart = System.nanoTime();
        for (int step = 1; step <= 20; step++) {
            queue.heartbeat(jobId, claimed.attempt(), WorkerIdentity.CONFIGURED, step, 20, true);
        }
        long burst = System.nanoTime() - burstStart;
        List<Received> steps = new ArrayList<>();
        Received latest;
        do {
            latest = next(event -> event.status() == JobStatus.RUNNING);
            steps.add(latest);
        } while (latest.progress().step() != 20);

        long spacing = 1_000_000_000L / PROGRESS_PER_SECOND;
        long window = latest.nanos() - running.nanos();
        assertThat(steps).as("step events for 20 heartbeats in %d ms", burst / 1_000_000)
                .hasSizeLessThanOrEqualTo((int) (window / spacing) + 1).hasSizeLessThan(20);
        for (int i = 1; i < steps.size(); i++) {
            assertThat(steps.get(i).nanos() - steps.get(i - 1).nanos()).as("spacing of step events")
                    .isGreaterThanOrEqualTo(spacing - 5_000_000);
        }
        assertThat(steps).extracting(received -> received.progress().step()).isSorted();
    }

    @Test
    void aFinalStateRightAfterABurstIsSentAtOnceAndLast() throws Exception {
        UUID jobId = follow();
        next(status(JobStatus.QUEUED));
        LeasedJob claimed = queue.claim("test-worker", TestCatalog.CHECKPOINTS).orElseThrow();
        next(status(JobStatus.RUNNING));
        for (int step = 1; step <= 20; step++) {
            queue.heartbeat(jobId, claimed.attempt(), WorkerIdentity.CONFIGURED, step, 20, true);
        }
        queue.complete(jobId, claimed.attempt(), WorkerIdentity.CONFIGURED, TestImages.result(db, jobId));
        long committed = System.nanoTime();

        Received done;
        do { // step events of the burst that went out before the completion
            done = next(event -> event.status() == JobStatus.RUNNING || event.status() == JobStatus.SUCCEEDED);
        } while (!done.progress().isFinal());
        assertThat(Duration.ofNanos(done.nanos() - committed)).as("not held back by the step pacing").isLessThan(PROMPT);
        assertThat(events.poll(300, TimeUnit.MILLISECONDS)).as("no held-back step after the final event").isNull();
    }

    @Test
    void aNewPreviewReachesTheStreamWithItsVersion() throws Exception {
        UUID jobId = follow();
        next(status(JobStatus.QUEUED));
        LeasedJob claimed = queue.claim("test-worker", TestCatalog.CHECKPOINTS).orElseThrow();
        next(status(JobStatus.RUNNING));

        queue.savePreview(jobId, claimed.attempt(), WorkerIdentity.CONFIGURED, Images.png(64, 64));

        Received preview = next(event -> event.previewVersion() > 0);
        assertThat(preview.progress().previewVersion())
                .isEqualTo(generation.progress(jobId, new Viewer(alice.id(), false)).orElseThrow().previewVersion());
    }

    @Test
    void aWorkerLosingComfyUiReachesTheStreamWithoutAStepChange() throws Exception {
        UUID jobId = follow();
        next(status(JobStatus.QUEUED));
        LeasedJob claimed = queue.claim("test-worker", TestCatalog.CHECKPOINTS).orElseThrow();
        next(status(JobStatus.RUNNING));
        queue.heartbeat(jobId, claimed.attempt(), WorkerIdentity.CONFIGURED, 3, 20, true);
        next(progress -> progress.step() == 3 && !progress.backendUnreachable());

        queue.heartbeat(jobId, claimed.attempt(), WorkerIdentity.CONFIGURED, 3, 20, false);
        next(progress -> progress.step() == 3 && progress.backendUnreachable());
        queue.heartbeat(jobId, claimed.attempt(), WorkerIdentity.CONFIGURED, 3, 20, true);
        next(progress -> progress.step() == 3 && !progress.backendUnreachable());
    }

    private UUID follow() {
        UUID jobId = generation.submit(alice.id(), GenerationRequest.of("sd15", "a lighthouse")).id();
        JobFollower.Sink sink = new JobFollower.Sink() {
            @Override
            public void send(JobProgress progress) {
                events.add(new Received(progress, System.nanoTime()));
            }

            @Override
            public void keepAlive() {
            }

            @Override
            public boolean isOpen() {
                return true;
            }
        };
        assertThat(streams.follow(jobId, new Viewer(alice.id(), false), sink, error -> { })).isPresent();
        return jobId;
    }

    private static Predicate<JobProgress> status(JobStatus status) {
        return progress -> progress.status() == status;
    }

    /** The next event, which must match {@code expected}. */
    private Received next(Predicate<JobProgress> expected) throws InterruptedException {
        Received event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(event).as("an event within %s", WAIT).isNotNull();
        assertThat(expected.test(event.progress())).as("unexpected event %s", event.progress()).isTrue();
        return event;
    }
}
