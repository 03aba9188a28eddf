package org.text2image.worker.api;

/**
 * Body of {@code POST /api/worker/v1/claim/cancel}: a stopping worker ends its own waiting
 * long-poll claims (they answer 204), so the server does not lease a job to a claim nobody reads.
 *
 * @param workerName the name the worker claims under
 */
public record ClaimCancel(String workerName) {
}
