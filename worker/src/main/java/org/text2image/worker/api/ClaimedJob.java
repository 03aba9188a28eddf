package org.text2image.worker.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
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
 * @param training for a LoRA training (claimed only by a worker that said {@code train}), what
 *     the worker uploads and collects ({@link ClaimedTraining}); {@code jobId} is then the
 *     training's id and the {@code /trainings/} paths apply. Null for a generation job.
 * @param loras the user's LoRAs the workflow loads, to be put in place before the prompt is
 *     posted ({@link ClaimedLora}); empty for most jobs
 * @param removedLoras SHA-256 hashes (lowercase hex) of LoRAs their owners deleted lately: the
 *     worker removes its cached copies ({@link WorkerApi#loraFileName(String)}) of these
 */
public record ClaimedJob(UUID jobId, int attempt, ObjectNode workflow, String promptId,
                         long leaseSeconds, long timeoutSeconds, InputImage inputImage,
                         @JsonProperty("training") ClaimedTraining training, List<ClaimedLora> loras, List<String> removedLoras) {

    public ClaimedJob {
        loras = loras == null ? List.of() : List.copyOf(loras);
        removedLoras = removedLoras == null ? List.of() : List.copyOf(removedLoras);
    }

    /** A generation job (with or without an input image), without LoRAs. */
    public ClaimedJob(UUID jobId, int attempt, ObjectNode workflow, String promptId, long leaseSeconds,
                      long timeoutSeconds, InputImage inputImage) {
        this(jobId, attempt, workflow, promptId, leaseSeconds, timeoutSeconds, inputImage, null, List.of(), List.of());
    }

    /**
     * Whether this claim is a LoRA training rather than a generation job. Not a JSON property: the
     * {@code training} object is (without the ignore, this is-getter would replace it with a boolean).
     */
    @JsonIgnore
    public boolean isTraining() {
        return training != null;
    }

    /** A job without an input image. */
    public ClaimedJob(UUID jobId, int attempt, ObjectNode workflow, String promptId, long leaseSeconds,
                      long timeoutSeconds) {
        this(jobId, attempt, workflow, promptId, leaseSeconds, timeoutSeconds, null);
    }
}
