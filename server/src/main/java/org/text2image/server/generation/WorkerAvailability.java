package org.text2image.server.generation;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What generation needs to know about the worker fleet: who is online and which checkpoints the
 * online workers can load. Generation defines it; the {@code workers} module, which owns the
 * workers' presence reports, implements it, so generation never reads the workers' tables.
 *
 * <p>A worker is online when it called the worker API within {@code worker-online-window}; its
 * checkpoint list is what its ComfyUI reported at its last claim, and it can run exactly those
 * checkpoints plus jobs that need none (a model-free workflow); only a worker with a LoRA folder
 * runs jobs made with a user's LoRA.
 */
public interface WorkerAvailability {

    /** Whether any worker picks up jobs now: {@code ONLINE}, {@code BACKEND_UNREACHABLE} or {@code OFFLINE}. */
    GeneratorStatus status();

    /** How many online workers can reach their ComfyUI now (0 … workers seen). */
    long onlineWorkers();

    /**
     * Whether an online worker whose ComfyUI answers can run a job for {@code checkpoint}: the job
     * needs none ({@code ""}), or the worker listed it.
     */
    boolean canRunNow(String checkpoint);

    /**
     * Whether an online worker whose ComfyUI answers can run a job made with a user's LoRA on
     * {@code checkpoint}: as {@link #canRunNow(String)}, and the worker has a LoRA folder (it said
     * {@code loras} at its last claim).
     */
    boolean canRunLorasNow(String checkpoint);

    /**
     * Whether the fleet is known not to have {@code checkpoint}: at least one worker heard from
     * within {@code window} has reported its checkpoint list, and none of them listed it. With no
     * such worker (a fresh install, a ComfyUI that never answered) nothing is known and the answer
     * is false; a job that needs no checkpoint ({@code ""}) is never unavailable.
     */
    default boolean knownUnavailable(String checkpoint, Duration window) {
        return knownUnavailable(List.of(checkpoint), window).contains(checkpoint);
    }

    /** Those of {@code checkpoints} the fleet is known not to have, as {@link #knownUnavailable(String, Duration)} decides, in one look. */
    Set<String> knownUnavailable(Collection<String> checkpoints, Duration window);
}
