package org.text2image.worker.training;

/**
 * A training attempt that failed, with a reason for the user and whether another attempt may help
 * (as {@code FailureClassifier} decides for image jobs): ComfyUI's validation error (HTTP 400, e.g.
 * a dataset folder ComfyUI does not list) or a missing LoRA file is not retryable; ComfyUI
 * unreachable, an error while the prompt ran, or a run over its time limit is.
 */
public class TrainingFailedException extends RuntimeException {

    private final boolean retryable;

    public TrainingFailedException(String reason, boolean retryable, Throwable cause) {
        super(reason, cause);
        this.retryable = retryable;
    }

    /** Whether another attempt may succeed. */
    public boolean retryable() {
        return retryable;
    }
}
