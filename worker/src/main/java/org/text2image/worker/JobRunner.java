package org.text2image.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.Heartbeat;
import org.text2image.worker.api.HeartbeatResponse;
import org.text2image.worker.api.WorkerApiLimits;
import org.text2image.worker.comfyui.ComfyUiClient;
import org.text2image.worker.comfyui.ComfyUiEvents;
import org.text2image.worker.comfyui.ComfyUiException;
import org.text2image.worker.comfyui.ComfyUiUnavailableException;
import org.text2image.worker.comfyui.ComfyUiValidationException;
import org.text2image.worker.comfyui.ImageRef;
import org.text2image.worker.comfyui.Preview;
import org.text2image.worker.comfyui.PromptHistory;
import org.text2image.worker.comfyui.PromptRun;

/**
 * Runs claimed job attempts on ComfyUI, one at a time, end to end: follow ComfyUI's WebSocket
 * (one per runner, kept open between jobs, {@link ComfyUiEvents}), post the rendered
 * workflow under {@link ClaimedJob#promptId()}, heartbeat with the sampler's progress, read
 * {@code /history}, download the images with {@code /view} and complete; or fail with a reason.
 *
 * <p>Failures: ComfyUI's 400 → fail, not retryable, reason = the validation message; a runtime
 * error → fail, retryable, {@code "ComfyUI error in KSampler: torch.OutOfMemoryError: ..."};
 * ComfyUI unreachable → fail, retryable, {@code "ComfyUI unreachable: ..."}; past
 * {@link ClaimedJob#timeoutSeconds()} → interrupt the prompt, fail, retryable,
 * {@code "timed out after N s"}. A heartbeat answered 409 or with {@code cancelRequested} →
 * interrupt the prompt and stop without uploading. Interrupting the calling thread stops the
 * prompt and hands the job back ({@code "worker stopped"}): queued again, no attempt used.
 *
 * <p>Live previews ComfyUI sends for the prompt (when its preview method is on) are relayed to
 * the server, the latest one at most once per {@link #PREVIEW_INTERVAL}.
 *
 * <p>A heartbeat goes out as soon as the prompt is posted: it confirms the claim, whose lease is
 * provisional until then.
 */
public final class JobRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    private static final int SUBMIT_ATTEMPTS = 3;
    private static final Duration SUBMIT_RETRY_DELAY = Duration.ofMillis(250);
    private static final Duration MIN_HEARTBEAT_INTERVAL = Duration.ofMillis(100);
    /** At most one live preview per this interval is relayed to the server. */
    static final Duration PREVIEW_INTERVAL = Duration.ofSeconds(1);

    private final ComfyUiClient comfyUi;
    private final ComfyUiEvents events;
    private final ServerReporter reporter;
    private final String clientId;
    private final Duration heartbeatInterval;
    private final PromptRun.Timing timing;
    private final Clock clock;

    /**
     * @param comfyUi the ComfyUI to run on
     * @param server the worker API
     * @param clientId this worker process's ComfyUI {@code client_id} (unique per process)
     * @param heartbeatInterval time between heartbeats (at most a third of the lease is used)
     * @param timing how prompts are followed
     * @param clock measures the attempt's time
     */
    public JobRunner(ComfyUiClient comfyUi, WorkerApiClient server, String clientId, Duration heartbeatInterval,
                     PromptRun.Timing timing, Clock clock) {
        this.comfyUi = Objects.requireNonNull(comfyUi, "comfyUi");
        this.reporter = new ServerReporter(Objects.requireNonNull(server, "server"));
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.events = new ComfyUiEvents(comfyUi, clientId);
        this.heartbeatInterval = Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        this.timing = Objects.requireNonNull(timing, "timing");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Runs the attempt and reports it to the server; never throws for job-level failures. */
    public JobReport run(ClaimedJob job) {
        return finish(start(job, () -> { }));
    }

    /**
     * The first half of an attempt: starts following the prompt on the socket, posts it to ComfyUI
     * (behind any prompt already queued there) and confirms the claim with a heartbeat. Never
     * throws for job-level failures: they are reported and kept for {@link #finish}.
     *
     * @param nearlyDone called once when the sampler reports its last step (or, without step
     *     reports, when the prompt is done): the moment to prefetch the next job. Called on the
     *     socket's or the caller's thread; must return quickly.
     * @return the started attempt; pass it to {@link #finish} or {@link #abandon}
     */
    public Started start(ClaimedJob job, Runnable nearlyDone) {
        Started started = new Started(job, new Progress(nearlyDone), clock.instant());
        try {
            started.run = PromptRun.open(events, job.promptId(), started.progress::set, timing, clock);
            submit(job);
            // The first heartbeat confirms the claim (the server's lease is provisional until then);
            // it overlaps the prompt's run on ComfyUI.
            Optional<String> stopped = heartbeat(job, started.progress);
            if (stopped.isPresent()) {
                stopPrompt(job.promptId());
                started.early = new Result(JobReport.Outcome.STOPPED, stopped.get(), 0);
            }
        } catch (InterruptedException | RuntimeException e) {
            started.early = failed(job, e);
        }
        return started;
    }

    /**
     * The second half: follows the prompt to its end with heartbeats, downloads the images and
     * completes (or fails) the attempt. Never throws for job-level failures.
     */
    public JobReport finish(Started started) {
        ClaimedJob job = started.job;
        Result result = started.early;
        try (PromptRun run = started.run) {
            if (result == null) {
                result = follow(job, run, started.progress, started.startedAt);
            }
        } catch (InterruptedException | RuntimeException e) {
            result = failed(job, e);
        }
        Duration elapsed = Duration.between(started.startedAt, clock.instant());
        JobReport report = new JobReport(job.jobId(), job.attempt(), result.outcome(), result.detail(), result.images(), elapsed);
        log.info("job {} attempt {} {} in {} s: {}", job.jobId(), job.attempt(), report.outcome(),
                String.format(Locale.ROOT, "%.1f", elapsed.toMillis() / 1000.0), report.detail().replaceAll("\\s+", " "));
        return report;
    }

    /**
     * Gives a started attempt back unfinished (the worker is stopping before it got to it): its
     * prompt is removed from ComfyUI and the job handed back, no attempt used.
     */
    public JobReport abandon(Started started, String reason) {
        boolean interrupted = Thread.interrupted(); // a stopNow() must not keep the hand-back from being sent
        try {
            if (started.run != null) {
                started.run.close();
            }
            if (started.early != null) { // already reported
                return new JobReport(started.job.jobId(), started.job.attempt(), started.early.outcome(),
                        started.early.detail(), 0, Duration.ZERO);
            }
            stopPrompt(started.job.promptId());
            return handBack(started.job, reason);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Keeps a started attempt's lease while it waits its turn (a prefetched job queued on ComfyUI
     * behind the running one): one heartbeat. An answer that the attempt must stop (409 or
     * cancelled) removes its prompt from ComfyUI and is kept for {@link #finish}.
     */
    public void keepAlive(Started started) {
        if (started.early != null) {
            return;
        }
        Optional<String> stop = heartbeat(started.job, started.progress);
        if (stop.isPresent()) {
            stopPrompt(started.job.promptId());
            started.early = new Result(JobReport.Outcome.STOPPED, stop.get(), 0);
        }
    }

    /**
     * The heartbeat interval for this job: {@link #heartbeatInterval} but at most a third of its
     * lease, and at least 100 ms.
     */
    public Duration heartbeatInterval(Started started) {
        return heartbeatInterval(started.job);
    }

    /** Opens ComfyUI's WebSocket now if it is not open, so the next job does not wait for it. */
    public void warmUp() {
        events.warmUp(timing.connectTimeout());
    }

    /** Closes the WebSocket to ComfyUI. */
    @Override
    public void close() {
        events.close();
    }

    /** Gives a claimed job back without running it (the worker is stopping); no attempt is used. */
    public JobReport handBack(ClaimedJob job, String reason) {
        Result result = reporter.handBack(job, reason);
        log.info("job {} attempt {} {}: {}", job.jobId(), job.attempt(), result.outcome(), result.detail());
        return new JobReport(job.jobId(), job.attempt(), result.outcome(), result.detail(), 0, Duration.ZERO);
    }

    /** How an attempt ended in an exception: reported to the server as a failure (or hand-back). */
    private Result failed(ClaimedJob job, Exception e) {
        if (e instanceof ComfyUiValidationException) {
            return reporter.fail(job, e.getMessage(), false);
        }
        if (e instanceof InterruptedException || (e instanceof ComfyUiException && Thread.currentThread().isInterrupted())) {
            return stoppedByWorker(job);
        }
        if (e instanceof ComfyUiException) {
            String prefix = e instanceof ComfyUiUnavailableException ? "ComfyUI unreachable: " : "ComfyUI error: ";
            return reporter.fail(job, prefix + e.getMessage(), true);
        }
        // A bug here must not leave the job leased until its lease expires.
        log.error("job {} attempt {} hit a worker error", job.jobId(), job.attempt(), e);
        return reporter.fail(job, "worker error: " + e, true);
    }

    private Result follow(ClaimedJob job, PromptRun run, Progress progress, Instant start) throws InterruptedException {
        Instant deadline = start.plusSeconds(Math.max(1, job.timeoutSeconds()));
        Duration interval = heartbeatInterval(job);
        Instant nextHeartbeat = clock.instant().plus(interval);
        Preview sentPreview = null;
        Instant nextPreview = clock.instant();
        while (true) {
            Instant now = clock.instant();
            Instant wake = nextHeartbeat.isBefore(deadline) ? nextHeartbeat : deadline;
            Instant previewDue = nextPreview.isAfter(now) ? nextPreview : now.plus(PREVIEW_INTERVAL);
            Optional<PromptHistory> history = run.awaitDone(Duration.between(now, wake.isBefore(previewDue) ? wake : previewDue));
            if (history.isPresent()) {
                progress.nearlyDone();
                return finish(job, history.get());
            }
            Optional<Preview> preview = run.lastPreview();
            if (preview.isPresent() && preview.get() != sentPreview && !clock.instant().isBefore(nextPreview)) {
                sentPreview = preview.get();
                sendPreview(job, sentPreview);
                nextPreview = clock.instant().plus(PREVIEW_INTERVAL);
            }
            now = clock.instant();
            if (!now.isBefore(deadline)) {
                stopPrompt(job.promptId());
                return reporter.fail(job, "timed out after " + Duration.between(start, now).toSeconds() + " s", true);
            }
            if (!now.isBefore(nextHeartbeat)) {
                Optional<String> stop = heartbeat(job, progress);
                if (stop.isPresent()) {
                    stopPrompt(job.promptId());
                    return new Result(JobReport.Outcome.STOPPED, stop.get(), 0);
                }
                nextHeartbeat = clock.instant().plus(interval);
            }
        }
    }

    /** Posts the prompt; after a lost answer, looks in ComfyUI's queue and history before posting again (no de-duplication there). */
    private void submit(ClaimedJob job) throws InterruptedException {
        ComfyUiUnavailableException last = null;
        for (int i = 0; i < SUBMIT_ATTEMPTS; i++) {
            if (i > 0) {
                Thread.sleep(SUBMIT_RETRY_DELAY.toMillis() * i);
                if (alreadySubmitted(job.promptId())) {
                    return;
                }
            }
            try {
                comfyUi.submit(job.workflow(), job.promptId(), clientId);
                return;
            } catch (ComfyUiUnavailableException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException();
                }
                log.info("posting prompt {} failed ({}); looking in ComfyUI's queue before posting again", job.promptId(),
                        e.getMessage());
                last = e;
            }
        }
        throw last;
    }

    private boolean alreadySubmitted(String promptId) {
        try {
            return comfyUi.queue().contains(promptId) || comfyUi.history(promptId).isPresent();
        } catch (ComfyUiUnavailableException e) {
            return false;
        }
    }

    /** Relays a live preview; a failure only costs this preview (a lost attempt shows at the next heartbeat). */
    private void sendPreview(ClaimedJob job, Preview preview) {
        try {
            reporter.preview(job, preview);
        } catch (WorkerApiException e) {
            log.debug("preview for job {} attempt {} not sent: {}", job.jobId(), job.attempt(), e.getMessage());
        }
    }

    /** Sends a heartbeat; a present answer says why the attempt must stop. */
    private Optional<String> heartbeat(ClaimedJob job, Progress progress) {
        try {
            HeartbeatResponse answer = reporter.heartbeat(job, new Heartbeat(job.attempt(), progress.step(), progress.total()));
            return answer.cancelRequested() ? Optional.of("cancelled") : Optional.empty();
        } catch (StaleAttemptException e) {
            return Optional.of("attempt no longer ours: " + e.getMessage());
        } catch (WorkerApiException e) {
            if (Thread.currentThread().isInterrupted()) {
                return Optional.empty(); // the worker is stopping; the next wait notices
            }
            // The lease survives a missed heartbeat or two; a lost lease shows up as 409 later.
            log.warn("heartbeat for job {} attempt {} failed: {}", job.jobId(), job.attempt(), e.getMessage());
            return Optional.empty();
        }
    }

    private Result finish(ClaimedJob job, PromptHistory history) {
        if (history.error().isPresent()) {
            var error = history.error().get();
            String node = error.nodeType().isEmpty() ? "" : " in " + error.nodeType();
            return reporter.fail(job, error.interrupted()
                    ? "ComfyUI interrupted the prompt" + node
                    : "ComfyUI error" + node + ": " + error.text(), true);
        }
        if (!history.succeeded()) {
            return reporter.fail(job, "ComfyUI finished with status " + history.statusStr(), true);
        }
        List<ImageRef> outputs = history.outputImages();
        if (outputs.isEmpty()) {
            return reporter.fail(job, "the workflow produced no images", false);
        }
        if (outputs.size() > WorkerApiLimits.MAX_IMAGES_PER_COMPLETION) {
            return reporter.fail(job, "the workflow produced " + outputs.size() + " images, more than "
                    + WorkerApiLimits.MAX_IMAGES_PER_COMPLETION, false);
        }
        List<ImageFile> images = new ArrayList<>();
        for (ImageRef output : outputs) {
            images.add(new ImageFile(output.filename(), ImageFile.contentTypeOf(output.filename()), comfyUi.view(output)));
        }
        return reporter.complete(job, images);
    }

    private void stopPrompt(String promptId) {
        try {
            comfyUi.interrupt(promptId);
            comfyUi.deleteFromQueue(List.of(promptId));
        } catch (ComfyUiException e) {
            log.warn("could not stop prompt {} on ComfyUI: {}", promptId, e.getMessage());
        }
    }

    /** The thread was interrupted: stop the prompt and hand the job back, then keep the interrupt for the caller. */
    private Result stoppedByWorker(ClaimedJob job) {
        Thread.interrupted();
        try {
            stopPrompt(job.promptId());
            return reporter.handBack(job, "worker stopped");
        } finally {
            Thread.currentThread().interrupt();
        }
    }

    private Duration heartbeatInterval(ClaimedJob job) {
        Duration third = Duration.ofSeconds(Math.max(1, job.leaseSeconds())).dividedBy(3);
        Duration interval = heartbeatInterval.compareTo(third) < 0 ? heartbeatInterval : third;
        return interval.compareTo(MIN_HEARTBEAT_INTERVAL) < 0 ? MIN_HEARTBEAT_INTERVAL : interval;
    }

    /** An attempt whose prompt is posted: pass it to {@link #finish} or {@link #abandon}. */
    public static final class Started {
        private final ClaimedJob job;
        private final Progress progress;
        private final Instant startedAt;
        private volatile PromptRun run;
        private volatile Result early;

        private Started(ClaimedJob job, Progress progress, Instant startedAt) {
            this.job = job;
            this.progress = progress;
            this.startedAt = startedAt;
        }

        /** The claimed job. */
        public ClaimedJob job() {
            return job;
        }
    }

    /**
     * The latest {@code progress} frame: value and max packed in one atomic so a heartbeat never
     * mixes two frames; the last step fires the nearly-done hook once.
     */
    private static final class Progress {
        private final AtomicLong packed = new AtomicLong();
        private final AtomicBoolean nearlyDoneFired = new AtomicBoolean();
        private final Runnable nearlyDone;

        Progress(Runnable nearlyDone) {
            this.nearlyDone = nearlyDone;
        }

        void set(int value, int max) {
            packed.set(((long) Math.max(0, max) << 32) | (Math.max(0, value) & 0xffffffffL));
            if (max > 0 && value >= max) {
                nearlyDone();
            }
        }

        void nearlyDone() {
            if (nearlyDoneFired.compareAndSet(false, true)) {
                nearlyDone.run();
            }
        }

        int step() {
            return (int) packed.get();
        }

        int total() {
            return (int) (packed.get() >>> 32);
        }
    }

    /** What happened, before timing is added. */
    record Result(JobReport.Outcome outcome, String detail, int images) {
    }
}
