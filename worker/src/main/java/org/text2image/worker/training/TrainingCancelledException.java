package org.text2image.worker.training;

/** A training run stopped by {@link LoraTrainer#cancel()} ({@code POST /interrupt}); nothing was saved. */
public class TrainingCancelledException extends RuntimeException {

    public TrainingCancelledException(String message) {
        super(message);
    }
}
