package org.text2image.worker.training;

/** Receives a training run's progress: ComfyUI's {@code progress} frames of {@code TrainLoraNode}, one per step. */
@FunctionalInterface
public interface TrainingStepListener {

    /**
     * Called on the socket's thread, so it must return quickly.
     *
     * @param step the steps done, 1 to {@code total}
     * @param total the run's steps ({@code steps × grad_accumulation_steps})
     */
    void onStep(int step, int total);
}
