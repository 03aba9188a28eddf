package org.text2image.server.generation;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A job as its owner (or an admin) sees it on the job page, in history and through the API.
 *
 * @param parameters what was asked for, with defaults filled in, and the price
 * @param modelName display name of the model (the id when it is no longer configured)
 * @param attempt attempts started so far (0 while first queued)
 * @param queuePosition 1-based place in the queue while QUEUED, else 0: 1 + the queued jobs ahead
 *     of it by priority, then age (fair share and model affinity may let a worker take another first)
 * @param estimatedWaitSeconds while QUEUED, about how many seconds until a worker starts it
 *     (position × median run time of recent jobs ÷ online workers); null when not queued, when no
 *     job has succeeded yet, or when no worker is online
 * @param noWorkerHasModel while QUEUED: workers are online but none has the job's checkpoint (for a
 *     job made with a LoRA: none has the checkpoint and a LoRA folder)
 * @param backendUnreachable while RUNNING: the attempt's worker reports that it cannot reach its ComfyUI
 * @param progressStep sampler step reached by the running attempt (0 when unknown)
 * @param progressTotal sampler steps of the running attempt (0 when unknown)
 * @param error why the job failed, or why the last attempt failed when it is being retried
 * @param images the results, in batch order (empty unless SUCCEEDED)
 * @param previewVersion when the running attempt's live preview last changed (epoch ms), 0 without one
 * @param receipt what the job cost from its ledger entries, e.g. "held 4, charged 4"; null without a hold
 */
public record JobView(UUID id, long userId, JobParameters parameters, String modelName, JobStatus status, int attempt,
                      int maxAttempts, int queuePosition, Integer estimatedWaitSeconds, boolean noWorkerHasModel,
                      boolean backendUnreachable, int progressStep, int progressTotal, String error,
                      Instant createdAt, Instant finishedAt, List<JobImage> images, long previewVersion,
                      String receipt) {

    /** The browser tab's title: "42% · Generating — Text2Image", "Queued (3) — Text2Image", "Done — Text2Image". */
    public String tabTitle() {
        String state = switch (status) {
            case QUEUED -> "Queued (" + queuePosition + ")";
            case RUNNING -> progressTotal > 0 ? (100 * progressStep / progressTotal) + "% · Generating" : "Generating";
            case SUCCEEDED -> "Done";
            case FAILED -> "Failed";
            case CANCELLED -> "Cancelled";
        };
        return state + " — Text2Image";
    }

    /** The wait estimate for people, "about 40 s" or "about 3 min"; null when there is none. */
    public String estimatedWait() {
        if (estimatedWaitSeconds == null) {
            return null;
        }
        return estimatedWaitSeconds < 90 ? "about " + Math.max(estimatedWaitSeconds, 1) + " s"
                : "about " + Math.round(estimatedWaitSeconds / 60.0) + " min";
    }
}
