package org.text2image.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.comfyui.PromptHistory;
import org.text2image.worker.comfyui.PromptRun;

/**
 * One started attempt, from {@link JobRunner#start} (prompt posted, claim confirmed) to its end:
 * {@link #finish} follows the prompt with heartbeats and previews and completes or fails it;
 * {@link #abandon} hands it back unfinished; while it waits its turn on ComfyUI, {@link #keepAlive}
 * keeps its lease. Finish or abandon it, once.
 *
 * <p>Following: up to {@link ClaimedJob#timeoutSeconds()} (then the prompt is interrupted and the
 * attempt failed, retryable, {@code "timed out after N s"}), a heartbeat every
 * {@link Heartbeats#interval}; one answered 409 or {@code cancelRequested} interrupts the prompt
 * and stops without uploading. Interrupting the following thread stops the prompt and hands the job
 * back ({@code "worker stopped"}). Failures are named by {@link FailureClassifier}.
 *
 * <p>Threads: a prefetched attempt is started and kept alive on the prefetch thread and finished
 * on the loop's. Its fields are final but two, guarded by its lock: how it ended before it was
 * finished (a heartbeat said stop, or starting failed) and whether its end has begun. A keep-alive
 * beat under way completes before {@link #finish} or {@link #abandon} reads them (unless the
 * waiting thread is interrupted), and none is sent after.
 */
public final class Attempt {

    private static final Logger log = LoggerFactory.getLogger(Attempt.class);

    private final ClaimedJob job;
    private final SamplerProgress progress;
    private final Instant startedAt;
    private final PromptRun run;
    private final JobRunner.Parts parts;
    private final ReentrantLock lock = new ReentrantLock();
    private AttemptResult endedEarly; // guarded by lock
    private boolean ending; // guarded by lock

    /**
     * @param run follows the prompt; null when following could not begin (then {@code endedEarly} is set)
     * @param endedEarly how the attempt already ended, reported; null while it runs
     */
    Attempt(ClaimedJob job, SamplerProgress progress, Instant startedAt, PromptRun run, AttemptResult endedEarly,
            JobRunner.Parts parts) {
        this.job = job;
        this.progress = progress;
        this.startedAt = startedAt;
        this.run = run;
        this.endedEarly = endedEarly;
        this.parts = parts;
    }

    /** The claimed job. */
    public ClaimedJob job() {
        return job;
    }

    /**
     * Follows the prompt to its end with heartbeats, downloads the images and completes (or fails)
     * the attempt. Never throws for job-level failures.
     */
    public JobReport finish() {
        AttemptResult result;
        try (PromptRun following = run) {
            result = beginEnd();
            if (result == null) {
                result = follow(following);
            }
        } catch (InterruptedException | RuntimeException e) {
            result = parts.outcomes().failed(job, e);
        }
        Duration elapsed = Duration.between(startedAt, parts.clock().instant());
        JobReport report = JobReport.of(job, result, elapsed);
        log.info("job {} attempt {} {} in {} s: {}", job.jobId(), job.attempt(), report.outcome(),
                String.format(Locale.ROOT, "%.1f", elapsed.toMillis() / 1000.0), report.detail().replaceAll("\\s+", " "));
        return report;
    }

    /**
     * Gives the attempt back unfinished (the worker is stopping before it got to it): its prompt is
     * removed from ComfyUI and the job handed back, no attempt used. An attempt that had already
     * ended (a heartbeat said stop) is only reported as it ended.
     */
    public JobReport abandon(String reason) {
        boolean interrupted = Thread.interrupted(); // a stopNow() must not keep the hand-back from being sent
        try {
            AttemptResult early;
            try {
                early = beginEnd();
            } catch (InterruptedException e) {
                interrupted = true;
                early = null;
            }
            if (run != null) {
                run.close();
            }
            if (early != null) {
                return JobReport.of(job, early, Duration.ZERO);
            }
            parts.outcomes().stopPrompt(job.promptId());
            return parts.outcomes().handedBack(job, reason);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Keeps the lease of an attempt that waits its turn (a prefetched job queued on ComfyUI behind
     * the running one): one heartbeat. An answer that it must stop (409 or cancelled) removes its
     * prompt from ComfyUI and is kept for {@link #finish}. Does nothing once the attempt ends.
     */
    public void keepAlive() {
        lock.lock();
        try {
            if (ending || endedEarly != null) {
                return;
            }
            Optional<String> stop = parts.heartbeats().beat(job, progress);
            if (stop.isPresent()) {
                endedEarly = parts.outcomes().stopped(job, stop.get());
            }
        } finally {
            lock.unlock();
        }
    }

    /** The time between this attempt's heartbeats: see {@link Heartbeats#interval}. */
    Duration heartbeatInterval() {
        return parts.heartbeats().interval(job);
    }

    /**
     * Marks the end as begun (no keep-alive beat after this) and returns how the attempt ended
     * already, if it did. Waits for a keep-alive beat under way, at most one heartbeat call.
     *
     * @throws InterruptedException when interrupted while waiting for a beat (stopNow()); without a
     *     beat under way, an interrupt does not keep it from reading how the attempt ended
     */
    private AttemptResult beginEnd() throws InterruptedException {
        if (!lock.tryLock()) {
            lock.lockInterruptibly();
        }
        try {
            ending = true;
            return endedEarly;
        } finally {
            lock.unlock();
        }
    }

    private AttemptResult follow(PromptRun following) throws InterruptedException {
        Clock clock = parts.clock();
        Instant deadline = startedAt.plusSeconds(Math.max(1, job.timeoutSeconds()));
        Duration interval = heartbeatInterval();
        Instant nextHeartbeat = clock.instant().plus(interval);
        PreviewRelay previews = new PreviewRelay(job, parts.reporter(), clock);
        boolean reportedReachable = true;
        while (true) {
            Instant now = clock.instant();
            Instant wake = earliest(earliest(nextHeartbeat, deadline), previews.due(now));
            Optional<PromptHistory> history = following.awaitDone(Duration.between(now, wake));
            if (history.isPresent()) {
                progress.nearlyDone();
                return parts.outcomes().finished(job, history.get());
            }
            previews.offer(following.lastPreview());
            now = clock.instant();
            if (!now.isBefore(deadline)) {
                return parts.outcomes().timedOut(job, Duration.between(startedAt, now));
            }
            boolean reachable = following.backendReachable();
            if (!now.isBefore(nextHeartbeat) || reachable != reportedReachable) { // a change goes out at once
                reportedReachable = reachable;
                Optional<String> stop = parts.heartbeats().beat(job, progress, reachable);
                if (stop.isPresent()) {
                    return parts.outcomes().stopped(job, stop.get());
                }
                nextHeartbeat = clock.instant().plus(interval);
            }
        }
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
