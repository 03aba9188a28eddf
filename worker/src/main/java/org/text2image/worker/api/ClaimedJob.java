package org.text2image.worker.api;

import java.util.UUID;
import tools.jackson.databind.node.ObjectNode;

/**
 * Answer of {@code POST /api/worker/v1/claim} when a job was leased to the caller (HTTP 200; 204
 * means no work).
 *
 * @param jobId the job
 * @param attempt the fencing token: 1 for the first try, +1 per re-queue; every later call for
 *     this job must carry it
 * @param workflow the rendered ComfyUI API-format graph, ready for {@code POST /prompt}
 * @param promptId the {@code prompt_id} to submit it under (job id and attempt), so a re-post after
 *     a lost response can be looked up in ComfyUI's history first
 * @param leaseSeconds how long the lease lasts without a heartbeat
 * @param timeoutSeconds how long the attempt may run at most before the server fails it
 * @param inputImage an image-to-video job's input image, to upload to ComfyUI before the prompt is
 *     posted; null (or absent from the JSON, as an older server sends it) for other jobs
 */
public record ClaimedJob(UUID jobId, int attempt, ObjectNode workflow, String promptId,
                         long leaseSeconds, long timeoutSeconds, InputImage inputImage) {

    /** A job without an input image. */
    public ClaimedJob(UUID jobId, int attempt, ObjectNode workflow, String promptId, long leaseSeconds,
                      long timeoutSeconds) {
        this(jobId, attempt, workflow, promptId, leaseSeconds, timeoutSeconds, null);
    }
}
