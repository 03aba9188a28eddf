package org.text2image.worker.api;

/**
 * Answer of complete and fail (HTTP 200): the job's state after the call.
 *
 * @param status {@code SUCCEEDED}, {@code QUEUED} (will be retried) or {@code FAILED}
 */
public record JobOutcome(String status) {
}
