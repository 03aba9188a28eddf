package org.text2image.worker.api;

import java.util.List;

/**
 * Body of {@code POST /api/worker/v1/claim}.
 *
 * <p>The GPU and ComfyUI fields are optional (null when unknown, or from a worker older than
 * them); the server shows them on its admin Workers page and does not use them to dispatch.
 *
 * @param workerName the worker's display name (1 to {@link WorkerApiLimits#MAX_WORKER_NAME_CHARS} characters)
 * @param backendReachable whether the worker's ComfyUI answered its last health check; a worker
 *     whose backend is down keeps calling claim (so the server knows it is alive) but gets no job
 * @param checkpoints checkpoint file names the worker can load, or empty when unknown
 * @param gpuName ComfyUI's first device ({@code /system_stats} {@code devices[0].name}), such as
 *     {@code cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync} or {@code cpu}; null when unknown
 * @param vramTotalBytes that device's {@code vram_total} in bytes; null when unknown
 * @param vramFreeBytes that device's {@code vram_free} in bytes at the last health check; null when unknown
 * @param comfyUiVersion {@code system.comfyui_version}, such as {@code 0.8.0}; null when unknown
 * @param waitSeconds long-poll: when there is no work, how long the server may hold the claim open
 *     waiting for a job before answering 204 (0 or null answers at once; the server caps it at its
 *     {@code max-claim-wait}). The caller's read timeout must be longer.
 * @param train whether the worker runs LoRA trainings (its {@code --train} option); only such a
 *     worker is given training jobs, and only when its {@code vramTotalBytes} reaches the server's
 *     {@code text2image.training.min-vram-bytes}. Null (an older worker) reads as false.
 * @param loras whether the worker can put users' LoRAs in place (its {@code --loras-dir} option):
 *     only such a worker is given generation jobs made with a LoRA. Null reads as false.
 */
public record ClaimRequest(String workerName, boolean backendReachable, List<String> checkpoints,
                           String gpuName, Long vramTotalBytes, Long vramFreeBytes, String comfyUiVersion,
                           Integer waitSeconds, Boolean train, Boolean loras) {

    public ClaimRequest {
        checkpoints = checkpoints == null ? List.of() : List.copyOf(checkpoints);
        waitSeconds = waitSeconds == null ? 0 : Math.max(0, waitSeconds);
        train = train != null && train;
        loras = loras != null && loras;
    }

    /** A claim without the {@code train} and {@code loras} capabilities. */
    public ClaimRequest(String workerName, boolean backendReachable, List<String> checkpoints,
                        String gpuName, Long vramTotalBytes, Long vramFreeBytes, String comfyUiVersion,
                        Integer waitSeconds) {
        this(workerName, backendReachable, checkpoints, gpuName, vramTotalBytes, vramFreeBytes, comfyUiVersion,
                waitSeconds, false, false);
    }

    /** A claim without GPU or ComfyUI details, answered at once. */
    public ClaimRequest(String workerName, boolean backendReachable, List<String> checkpoints) {
        this(workerName, backendReachable, checkpoints, null, null, null, null, 0, false, false);
    }

    /** This claim with another {@link #waitSeconds}. */
    public ClaimRequest waiting(int seconds) {
        return new ClaimRequest(workerName, backendReachable, checkpoints, gpuName, vramTotalBytes, vramFreeBytes,
                comfyUiVersion, seconds, train, loras);
    }

    /** This claim with the {@code train} and {@code loras} capabilities set as given. */
    public ClaimRequest withCapabilities(boolean trains, boolean keepsLoras) {
        return new ClaimRequest(workerName, backendReachable, checkpoints, gpuName, vramTotalBytes, vramFreeBytes,
                comfyUiVersion, waitSeconds, trains, keepsLoras);
    }
}
