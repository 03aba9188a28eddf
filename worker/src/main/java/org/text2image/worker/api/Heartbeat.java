package org.text2image.worker.api;

/**
 * Body of {@code POST /api/worker/v1/jobs/{jobId}/heartbeat}: extends the lease of a running
 * attempt and reports sampler progress (ComfyUI's {@code progress} event: value of max).
 *
 * @param attempt the attempt number from {@link ClaimedJob#attempt()}
 * @param step the sampler step reached, 0 when unknown
 * @param totalSteps the sampler's step count, 0 when unknown
 * @param backendReachable false while the worker cannot reach its ComfyUI during the attempt (the
 *     job page then says so); null from workers that do not report it, read as true
 */
public record Heartbeat(int attempt, int step, int totalSteps, Boolean backendReachable) {

    /** A heartbeat from a worker whose ComfyUI answers. */
    public Heartbeat(int attempt, int step, int totalSteps) {
        this(attempt, step, totalSteps, true);
    }

    /** Whether the worker's ComfyUI answers (true when the worker did not say). */
    public boolean reachable() {
        return backendReachable == null || backendReachable;
    }
}
