package org.text2image.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.comfyui.ComfyUiClient;
import org.text2image.worker.comfyui.ComfyUiEvents;
import org.text2image.worker.comfyui.PromptRun;

/**
 * Starts claimed job attempts on ComfyUI: follows ComfyUI's WebSocket (one per runner, kept open
 * between jobs, {@link ComfyUiEvents}), posts the rendered workflow under
 * {@link ClaimedJob#promptId()} ({@link PromptSubmission}) and confirms the claim with a heartbeat
 * at once — the server's lease is provisional until then. The started {@link Attempt} does the
 * rest: heartbeats with the sampler's progress, live previews, {@code /history}, the download with
 * {@code /view}, complete or fail.
 *
 * <p>The parts, one role each: {@link PromptSubmission} posts, {@link Heartbeats} and
 * {@link KeepAlive} keep the lease, {@link PreviewRelay} relays previews, {@link FailureClassifier}
 * names failures, {@link AttemptOutcomes} reports the end through {@link ServerReporter};
 * {@link LoraCache} (when the worker keeps LoRAs) puts the job's LoRAs in place before the prompt.
 * LoRA trainings run with {@link TrainingRunner} instead.
 */
public final class JobRunner implements AutoCloseable {

    private final ComfyUiEvents events;
    private final PromptSubmission submission;
    private final InputImageUpload inputImages;
    private final LoraCache loras;
    private final PromptRun.Timing timing;
    private final Parts parts;

    /** What an {@link Attempt} uses to follow and end itself; shared by every attempt of a runner, each thread-safe. */
    record Parts(Heartbeats heartbeats, AttemptOutcomes outcomes, ServerReporter reporter, Clock clock) {
    }

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
        this(comfyUi, server, clientId, heartbeatInterval, timing, clock, null);
    }

    /**
     * As above, putting the users' LoRAs a job names in place with {@code loras} before its prompt
     * is posted; null for a worker that keeps none (a job naming LoRAs then fails, retryable).
     */
    public JobRunner(ComfyUiClient comfyUi, WorkerApiClient server, String clientId, Duration heartbeatInterval,
                     PromptRun.Timing timing, Clock clock, LoraCache loras) {
        this(comfyUi, server, clientId, heartbeatInterval, timing, clock, loras, ComfyUiFolders.none());
    }

    /**
     * As above, deleting a finished prompt's saved files from ComfyUI's {@code output/} with
     * {@code folders} once they are uploaded ({@code --comfyui-dir}).
     */
    public JobRunner(ComfyUiClient comfyUi, WorkerApiClient server, String clientId, Duration heartbeatInterval,
                     PromptRun.Timing timing, Clock clock, LoraCache loras, ComfyUiFolders folders) {
        Objects.requireNonNull(comfyUi, "comfyUi");
        this.loras = loras;
        ServerReporter reporter = new ServerReporter(Objects.requireNonNull(server, "server"),
                Objects.requireNonNull(clock, "clock"));
        this.events = new ComfyUiEvents(comfyUi, Objects.requireNonNull(clientId, "clientId"));
        this.submission = new PromptSubmission(comfyUi, clientId);
        this.inputImages = new InputImageUpload(server, comfyUi);
        this.timing = Objects.requireNonNull(timing, "timing");
        this.parts = new Parts(new Heartbeats(reporter, Objects.requireNonNull(heartbeatInterval, "heartbeatInterval")),
                new AttemptOutcomes(comfyUi, reporter, Objects.requireNonNull(folders, "folders")), reporter, Objects.requireNonNull(clock, "clock"));
    }

    /** Runs the attempt and reports it to the server; never throws for job-level failures. */
    public JobReport run(ClaimedJob job) {
        return start(job, () -> { }).finish();
    }

    /**
     * The first half of an attempt: starts following the prompt on the socket, posts it to ComfyUI
     * (behind any prompt already queued there) and confirms the claim with a heartbeat. Never
     * throws for job-level failures: they are reported and kept for {@link Attempt#finish}.
     *
     * @param nearlyDone called once when the sampler reports its last step (or, without step
     *     reports, when the prompt is done): the moment to prefetch the next job. Called on the
     *     socket's or the caller's thread; must return quickly.
     * @return the started attempt; finish or abandon it
     */
    public Attempt start(ClaimedJob job, Runnable nearlyDone) {
        SamplerProgress progress = new SamplerProgress(nearlyDone);
        Instant startedAt = parts.clock().instant();
        PromptRun run = null;
        AttemptResult endedEarly = null;
        try {
            run = PromptRun.open(events, job.promptId(), progress::set, timing, parts.clock());
            prepareLoras(job); // LoraLoaderModelOnly validates its lora_name when the prompt is posted
            inputImages.upload(job); // an image-to-video job's LoadImage reads it when the prompt runs
            submission.submit(job);
            // The first heartbeat confirms the claim; it overlaps the prompt's run on ComfyUI.
            Optional<String> stop = parts.heartbeats().beat(job, progress);
            if (stop.isPresent()) {
                endedEarly = parts.outcomes().stopped(job, stop.get());
            }
        } catch (StaleAttemptException e) { // fetching the input image or a LoRA: the server gave the job to another attempt
            endedEarly = AttemptResult.stopped("attempt no longer ours: " + e.getMessage());
        } catch (InterruptedException | RuntimeException e) {
            endedEarly = parts.outcomes().failed(job, e);
        }
        return new Attempt(job, progress, startedAt, run, endedEarly, parts);
    }

    private void prepareLoras(ClaimedJob job) throws InterruptedException {
        if (loras != null) {
            loras.prepare(job);
        } else if (!job.loras().isEmpty()) {
            throw new LoraException("this worker keeps no users' LoRAs (it was started without --loras-dir)", true, null);
        }
    }

    /** Gives a claimed job back without running it (the worker is stopping); no attempt is used. */
    public JobReport handBack(ClaimedJob job, String reason) {
        return parts.outcomes().handedBack(job, reason);
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
}
