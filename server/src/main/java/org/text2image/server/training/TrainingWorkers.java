package org.text2image.server.training;

/**
 * What training needs to know about the worker fleet. Training defines it; the {@code workers}
 * module, which owns the workers' presence reports, implements it.
 */
public interface TrainingWorkers {

    /**
     * Whether an online worker whose ComfyUI answers takes trainings for {@code checkpoint}: at its
     * last claim it said {@code train}, its GPU had at least {@code min-vram-bytes}, and its
     * ComfyUI listed the checkpoint. Online means heard from within {@code worker-online-window}.
     */
    boolean canTrainNow(String checkpoint);
}
