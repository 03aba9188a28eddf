package org.text2image.worker.api;

import java.util.List;

/**
 * Body of {@code POST /api/worker/v1/claim}.
 *
 * @param workerName the worker's display name (1–64 characters)
 * @param backendReachable whether the worker's ComfyUI answered its last health check; a worker
 *     whose backend is down keeps calling claim (so the server knows it is alive) but gets no job
 * @param checkpoints checkpoint file names the worker can load, or empty when unknown
 */
public record ClaimRequest(String workerName, boolean backendReachable, List<String> checkpoints) {

    public ClaimRequest {
        checkpoints = checkpoints == null ? List.of() : List.copyOf(checkpoints);
    }
}
