package org.text2image.worker.api;

/**
 * Body of {@code POST /api/worker/v1/jobs/{id}/handback}: the worker gives a claimed job back
 * unfinished (it is shutting down). The job returns to the queue and the attempt is not counted
 * against the job's tries, up to the server's {@code max-handbacks}; nothing is charged.
 *
 * @param attempt the attempt being given back (the fencing token from the claim)
 * @param reason why, for the logs, such as {@code "worker shutting down"}
 */
public record HandBackRequest(int attempt, String reason) {
}
