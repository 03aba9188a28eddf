package org.text2image.worker;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.text2image.worker.api.ClaimRequest;
import org.text2image.worker.comfyui.ComfyUiClient;
import org.text2image.worker.comfyui.ComfyUiException;
import org.text2image.worker.comfyui.SystemStats;

/**
 * ComfyUI's health as the claim reports it: {@code GET /system_stats} answers (reachable), and
 * {@code GET /models/checkpoints} and {@code GET /models/diffusion_models} list what it can load —
 * the claim's {@code checkpoints} are both lists in one (a video model's checkpoint is a diffusion
 * model file, loaded by {@code UNETLoader}; an older ComfyUI without that folder lists none). Reused for an interval so an idle loop
 * does not poll ComfyUI on every claim; changes are logged once.
 */
final class ComfyUiHealth {

    private static final Logger log = LoggerFactory.getLogger(ComfyUiHealth.class);

    /**
     * One check's result; {@code checkpoints} is empty and the device fields are null when
     * unreachable (see {@link ClaimRequest} for their meaning).
     */
    record Status(boolean reachable, List<String> checkpoints, String gpuName, Long vramTotalBytes,
                  Long vramFreeBytes, String comfyUiVersion) {

        static Status unreachable() {
            return new Status(false, List.of(), null, null, null, null);
        }

        static Status reachable(List<String> checkpoints, SystemStats stats) {
            SystemStats.Device device = stats.devices().isEmpty() ? null : stats.devices().getFirst();
            return new Status(true, checkpoints, device == null ? null : device.name(),
                    device == null ? null : device.vramTotalBytes(), device == null ? null : device.vramFreeBytes(),
                    stats.comfyuiVersion().isEmpty() ? null : stats.comfyuiVersion());
        }

        /** A claim reporting this status; {@code waitSeconds} 0 answers at once. */
        ClaimRequest claim(String workerName, int waitSeconds) {
            return new ClaimRequest(workerName, reachable, checkpoints, gpuName, vramTotalBytes, vramFreeBytes,
                    comfyUiVersion, waitSeconds);
        }

        /** Whether this differs from {@code other} in what is worth logging (free VRAM moves all the time). */
        boolean differsFrom(Status other) {
            return other == null || reachable != other.reachable || !checkpoints.equals(other.checkpoints);
        }
    }

    private final ComfyUiClient comfyUi;
    private final Duration interval;
    private final Clock clock;
    private Status last;
    private Status reported;
    private Instant checkedAt = Instant.MIN;
    private String lastProblem = "";

    ComfyUiHealth(ComfyUiClient comfyUi, Duration interval, Clock clock) {
        this.comfyUi = comfyUi;
        this.interval = interval;
        this.clock = clock;
    }

    /** The cached status, checked again once {@code interval} has passed. */
    synchronized Status current() {
        Instant now = clock.instant();
        if (last == null || !now.isBefore(checkedAt.plus(interval))) {
            last = check();
            checkedAt = now;
        }
        return last;
    }

    /** Forgets the cached status (after a job failed, ComfyUI may be gone). */
    synchronized void invalidate() {
        last = null;
    }

    /** The checkpoints, then the diffusion models not among them, each in ComfyUI's order. */
    private List<String> modelFiles() {
        java.util.LinkedHashSet<String> files = new java.util.LinkedHashSet<>(comfyUi.checkpoints());
        files.addAll(comfyUi.diffusionModels());
        return List.copyOf(files);
    }

    private Status check() {
        URI url = comfyUi.baseUrl();
        SystemStats stats;
        try {
            stats = comfyUi.systemStats();
        } catch (ComfyUiException e) {
            if (!e.getMessage().equals(lastProblem)) {
                log.warn("ComfyUI at {} is not usable: {}", url, e.getMessage());
                lastProblem = e.getMessage();
            }
            reported = Status.unreachable();
            return reported;
        }
        List<String> checkpoints;
        try {
            checkpoints = modelFiles();
        } catch (ComfyUiException e) {
            // The list is what the worker can run: without it the worker must not claim (an empty
            // list would take only model-free jobs and hide the models it has).
            if (!e.getMessage().equals(lastProblem)) {
                log.warn("ComfyUI at {} did not list its checkpoints: {}", url, e.getMessage());
                lastProblem = e.getMessage();
            }
            reported = Status.unreachable();
            return reported;
        }
        Status status = Status.reachable(checkpoints, stats);
        if (status.differsFrom(reported)) {
            log.info("ComfyUI {} at {} is reachable: {}, {} checkpoint(s)", stats.comfyuiVersion(), url,
                    stats.devices().isEmpty() ? "no device" : stats.devices().getFirst().name(), checkpoints.size());
        }
        reported = status;
        lastProblem = "";
        return status;
    }
}
