package org.text2image.server.training;

/** Where a LoRA training is ({@code lora_training.status}). */
public enum TrainingStatus {
    /** Waiting for a training worker. */
    QUEUED,
    /** Leased to a worker, attempt running. */
    RUNNING,
    /** The LoRA is stored ({@code lora_model}); the allowance unit stays used. */
    SUCCEEDED,
    /** No attempt left, or a failure another attempt cannot fix; the allowance unit was given back. */
    FAILED,
    /** Cancelled by the user; the allowance unit was given back. */
    CANCELLED;

    /** Whether the training has ended (SUCCEEDED, FAILED or CANCELLED). */
    public boolean ended() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
