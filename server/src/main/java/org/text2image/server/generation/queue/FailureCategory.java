package org.text2image.server.generation.queue;

import java.util.Locale;

/**
 * Why an attempt failed, as a small fixed set (the {@code reason} label of
 * {@code t2i_job_failures_total}, docs/OPERATIONS.md): never the free text a worker sends.
 */
public enum FailureCategory {
    /** The worker reported a retryable error (ComfyUI failed, lost, out of memory…). */
    WORKER_ERROR,
    /** The worker reported a permanent error (ComfyUI refused the workflow: HTTP 400 validation). */
    WORKER_PERMANENT,
    /** The attempt ran past its deadline ({@code attempt-timeout}). */
    TIMEOUT,
    /** The worker stopped sending heartbeats: its lease expired. */
    LEASE_EXPIRED,
    /** Given back more than {@code max-handbacks} times: the further hand-back counts as a failure. */
    HANDBACK_LIMIT,
    /** The job's model left the catalog (or an image-to-video job's input image was removed) before the job could run. */
    MODEL_WITHDRAWN;

    /** The label value: the name in lower case, such as {@code lease_expired}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
