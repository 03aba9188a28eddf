package org.text2image.server.generation;

import java.time.Duration;
import java.util.List;
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
 * @param loras the users' LoRAs the workflow loads, for the worker to put in place; empty for most jobs
 * @param removedLoras SHA-256 hashes (lowercase hex) of LoRAs deleted lately, whose cached copies
 *     the worker removes
 */
public record LeasedJob(UUID jobId, int attempt, ObjectNode workflow, String promptId, Duration leaseTimeout,
                        Duration attemptTimeout, String inputImageType, List<Lora> loras, List<String> removedLoras) {

    public LeasedJob {
        loras = loras == null ? List.of() : List.copyOf(loras);
        removedLoras = removedLoras == null ? List.of() : List.copyOf(removedLoras);
    }

    /** A job without LoRAs and without removal notices. */
    public LeasedJob(UUID jobId, int attempt, ObjectNode workflow, String promptId, Duration leaseTimeout,
                     Duration attemptTimeout, String inputImageType) {
        this(jobId, attempt, workflow, promptId, leaseTimeout, attemptTimeout, inputImageType, List.of(), List.of());
    }

    /** A job without an input image. */
    public LeasedJob(UUID jobId, int attempt, ObjectNode workflow, String promptId, Duration leaseTimeout,
                     Duration attemptTimeout) {
        this(jobId, attempt, workflow, promptId, leaseTimeout, attemptTimeout, null);
    }

    /**
     * A LoRA file the job's workflow loads.
     *
     * @param id the LoRA's id (the worker fetches it at {@code /jobs/{jobId}/loras/{id}})
     * @param sha256 the file's SHA-256, lowercase hex
     * @param sizeBytes the file's size
     */
    public record Lora(UUID id, String sha256, long sizeBytes) {
    }
}
