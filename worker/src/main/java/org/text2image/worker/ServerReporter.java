package org.text2image.worker;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.FailRequest;
import org.text2image.worker.api.HandBackRequest;
import org.text2image.worker.api.Heartbeat;
import org.text2image.worker.api.HeartbeatResponse;
import org.text2image.worker.api.JobOutcome;
import org.text2image.worker.api.WorkerApiLimits;
import org.text2image.worker.comfyui.Preview;

/**
 * Reports an attempt's end to the server, retrying a few times while the server is unreachable
 * (complete and fail are fenced by the attempt, so a repeat is harmless). After that the report is
 * dropped: the lease expires and the server re-queues the job.
 */
final class ServerReporter {

    private static final Logger log = LoggerFactory.getLogger(ServerReporter.class);
    private static final int ATTEMPTS = 3;
    private static final Duration RETRY_DELAY = Duration.ofMillis(500);

    private final WorkerApiClient server;
    private final DirectUpload directUpload;

    ServerReporter(WorkerApiClient server) {
        this(server, Clock.systemUTC());
    }

    /** @param clock times how long a server's "no direct uploads" is believed ({@link DirectUpload#RECHECK_OFF}) */
    ServerReporter(WorkerApiClient server, Clock clock) {
        this.server = server;
        this.directUpload = new DirectUpload(server, clock);
    }

    HeartbeatResponse heartbeat(ClaimedJob job, Heartbeat heartbeat) {
        return server.heartbeat(job.jobId(), heartbeat);
    }

    /** Relays a live preview; one larger than {@link WorkerApiLimits#MAX_PREVIEW_BYTES} is not sent (the server would refuse it). */
    void preview(ClaimedJob job, Preview preview) {
        if (preview.bytes().length > WorkerApiLimits.MAX_PREVIEW_BYTES) {
            log.debug("preview for job {} attempt {} not sent: {} bytes is more than the server keeps", job.jobId(),
                    job.attempt(), preview.bytes().length);
            return;
        }
        server.preview(job.jobId(), job.attempt(), preview);
    }

    /**
     * Completes the attempt: first by direct upload to the bucket when the server offers it
     * ({@link DirectUpload}), else — or when any step of that fails — with the images as multipart.
     */
    AttemptResult complete(ClaimedJob job, List<ImageFile> images) {
        Optional<AttemptResult> direct = directUpload.complete(job, images);
        if (direct.isPresent()) {
            return direct.get();
        }
        return send(job, () -> server.complete(job.jobId(), job.attempt(), images),
                JobReport.Outcome.SUCCEEDED, images.size() + " image(s)", images.size());
    }

    /** Fails the attempt; the reason is put on one line and cut to {@link WorkerApiLimits#MAX_FAIL_REASON_CHARS}. */
    AttemptResult fail(ClaimedJob job, String reason, boolean retryable) {
        String shown = shown(reason);
        return send(job, () -> server.fail(job.jobId(), new FailRequest(job.attempt(), shown, retryable)),
                retryable ? JobReport.Outcome.FAILED_RETRYABLE : JobReport.Outcome.FAILED_PERMANENTLY, shown, 0);
    }

    /** A failure reason on one line, cut to {@link WorkerApiLimits#MAX_FAIL_REASON_CHARS}. */
    private static String shown(String reason) {
        String oneLine = reason.strip().replaceAll("\\s+", " ");
        int max = WorkerApiLimits.MAX_FAIL_REASON_CHARS;
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 1) + "…";
    }

    /** {@code POST /trainings/{id}/heartbeat} for a training attempt. */
    HeartbeatResponse trainingHeartbeat(ClaimedJob training, Heartbeat heartbeat) {
        return server.trainingHeartbeat(training.jobId(), heartbeat);
    }

    /**
     * Completes a training attempt with its LoRA file (multipart, streamed from the file). A server
     * that refuses the file (400: not a LoRA it takes) gets the attempt failed instead, not
     * retryable: the same run would write the same kind of file.
     */
    AttemptResult completeTraining(ClaimedJob training, String filename, java.nio.file.Path lora) {
        WorkerApiException[] refused = new WorkerApiException[1];
        AttemptResult result = send(training, () -> {
            try {
                return server.completeTraining(training.jobId(), training.attempt(), filename, lora);
            } catch (StaleAttemptException | WorkerApiUnavailableException | WorkerAuthException e) {
                throw e;
            } catch (WorkerApiException e) {
                refused[0] = e;
                throw e;
            }
        }, JobReport.Outcome.SUCCEEDED, "LoRA " + filename, 0);
        if (refused[0] != null) {
            return failTraining(training, "the server refused the LoRA file: " + refused[0].getMessage(), false);
        }
        return result;
    }

    /** Fails a training attempt ({@code POST /trainings/{id}/fail}); the reason as for {@link #fail}. */
    AttemptResult failTraining(ClaimedJob training, String reason, boolean retryable) {
        String shown = shown(reason);
        return send(training, () -> server.failTraining(training.jobId(), new FailRequest(training.attempt(), shown, retryable)),
                retryable ? JobReport.Outcome.FAILED_RETRYABLE : JobReport.Outcome.FAILED_PERMANENTLY, shown, 0);
    }

    /** Gives a training back unfinished ({@code POST /trainings/{id}/handback}), no attempt used. */
    AttemptResult handBackTraining(ClaimedJob training, String reason) {
        return send(training, () -> server.handBackTraining(training.jobId(), new HandBackRequest(training.attempt(), reason)),
                JobReport.Outcome.HANDED_BACK, "handed back: " + reason, 0);
    }

    /** Gives the job back unfinished: queued again without using up an attempt. */
    AttemptResult handBack(ClaimedJob job, String reason) {
        return send(job, () -> server.handBack(job.jobId(), new HandBackRequest(job.attempt(), reason)),
                JobReport.Outcome.HANDED_BACK, "handed back: " + reason, 0);
    }

    private AttemptResult send(ClaimedJob job, Supplier<JobOutcome> call, JobReport.Outcome outcome, String detail,
                                  int images) {
        for (int i = 1; ; i++) {
            try {
                JobOutcome answer = call.get();
                return new AttemptResult(outcome, detail + " (job now " + answer.status() + ")", images);
            } catch (StaleAttemptException e) {
                return new AttemptResult(JobReport.Outcome.STOPPED, "attempt no longer ours, " + detail + " not kept", 0);
            } catch (WorkerApiUnavailableException e) {
                if (i >= ATTEMPTS || !pause(RETRY_DELAY.multipliedBy(i))) {
                    return unreported(job, detail, e);
                }
            } catch (WorkerApiException e) {
                return unreported(job, detail, e);
            }
        }
    }

    private static AttemptResult unreported(ClaimedJob job, String detail, WorkerApiException e) {
        log.warn("could not report job {} attempt {} ({}): {}", job.jobId(), job.attempt(), detail, e.getMessage());
        return new AttemptResult(JobReport.Outcome.UNREPORTED, detail + "; not reported: " + e.getMessage(), 0);
    }

    private static boolean pause(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
