package org.text2image.worker.api;

/**
 * Body of {@code POST /api/worker/v1/jobs/{jobId}/heartbeat}: extends the lease of a running
 * attempt and reports sampler progress (ComfyUI's {@code progress} event: value of max).
 *
 * @param attempt the attempt number from {@link ClaimedJob#attempt()}
 * @param step the sampler step reached, 0 when unknown
 * @param totalSteps the sampler's step count, 0 when unknown
 */
public record Heartbeat(int attempt, int step, int totalSteps) {
}
