package org.text2image.server.generation;

import java.time.Duration;
import java.util.UUID;
import tools.jackson.databind.node.ObjectNode;

/**
 * A job leased to a worker by a claim.
 *
 * @param jobId the job
 * @param attempt the fencing token: 1 for the first try, +1 per claim; every later call about the
 *     job must carry it
 * @param workflow the rendered ComfyUI API-format graph
 * @param promptId the ComfyUI {@code prompt_id} to submit it under ({@code <job id>-<attempt>})
 * @param leaseTimeout how long the lease lasts without a heartbeat
 * @param attemptTimeout how long the attempt may run at most
 * @param inputImageType the content type of an image-to-video job's input image ({@code image/png} or
 *     {@code image/jpeg}), null for a job without one
 */
public record LeasedJob(UUID jobId, int attempt, ObjectNode workflow, String promptId, Duration leaseTimeout,
                        Duration attemptTimeout, String inputImageType) {

    /** A job without an input image. */
    public LeasedJob(UUID jobId, int attempt, ObjectNode workflow, String promptId, Duration leaseTimeout,
                     Duration attemptTimeout) {
        this(jobId, attempt, workflow, promptId, leaseTimeout, attemptTimeout, null);
    }
}
