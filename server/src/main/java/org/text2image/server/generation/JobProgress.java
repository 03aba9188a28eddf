package org.text2image.server.generation;

/**
 * What changes while a job is live, as the job page's event stream sends it.
 *
 * @param status where the job is
 * @param queuePosition 1-based place in the queue while QUEUED, else 0
 * @param step sampler step reached by the running attempt (0 when unknown)
 * @param totalSteps sampler steps of the running attempt (0 when unknown)
 * @param attempt attempts started so far
 * @param previewVersion when the running attempt's live preview last changed (epoch ms), 0 without one
 * @param backendUnreachable while RUNNING: the attempt's worker reports that it cannot reach its ComfyUI
 */
public record JobProgress(JobStatus status, int queuePosition, int step, int totalSteps, int attempt,
                          long previewVersion, boolean backendUnreachable) {

    /** A state whose worker reaches its ComfyUI (or that is not running). */
    public JobProgress(JobStatus status, int queuePosition, int step, int totalSteps, int attempt, long previewVersion) {
        this(status, queuePosition, step, totalSteps, attempt, previewVersion, false);
    }

    /** Whether the job will not change any more. */
    public boolean isFinal() {
        return status.isFinal();
    }
}
