package org.text2image.worker;

import java.time.Duration;
import java.util.UUID;
import org.text2image.worker.api.ClaimedJob;

/**
 * What {@link JobRunner#run} (or {@link Attempt#finish}) did with one attempt (also logged as one line).
 *
 * @param jobId the job
 * @param attempt the attempt number
 * @param outcome how it ended
 * @param detail the failure reason sent to the server, the server's answer, or why nothing was sent
 * @param images how many images were uploaded
 * @param elapsed from the start of the run to the end of the report
 */
public record JobReport(UUID jobId, int attempt, Outcome outcome, String detail, int images, Duration elapsed) {

    static JobReport of(ClaimedJob job, AttemptResult result, Duration elapsed) {
        return new JobReport(job.jobId(), job.attempt(), result.outcome(), result.detail(), result.images(), elapsed);
    }

    /** How an attempt ended. */
    public enum Outcome {
        /** Images uploaded and complete accepted. */
        SUCCEEDED,
        /** Reported with fail, not retryable (for example ComfyUI's 400 validation errors). */
        FAILED_PERMANENTLY,
        /** Reported with fail, retryable (runtime errors, ComfyUI unreachable, timeout). */
        FAILED_RETRYABLE,
        /** Given back unfinished (the worker is stopping): queued again, no attempt used. */
        HANDED_BACK,
        /** Stopped without uploading: the job was cancelled or the server answered 409 (attempt no longer ours). */
        STOPPED,
        /** The result could not be reported (server unreachable); the lease will expire and the server re-queues. */
        UNREPORTED
    }
}
