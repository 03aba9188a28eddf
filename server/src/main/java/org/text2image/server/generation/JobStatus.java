package org.text2image.server.generation;

/** Where a job is in its life: QUEUED → RUNNING → SUCCEEDED | FAILED, or QUEUED → CANCELLED. */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    /** Whether the job will not change any more. */
    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
