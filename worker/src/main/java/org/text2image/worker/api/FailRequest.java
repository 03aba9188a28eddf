package org.text2image.worker.api;

/**
 * Body of {@code POST /api/worker/v1/jobs/{jobId}/fail}.
 *
 * @param attempt the attempt number from {@link ClaimedJob#attempt()}
 * @param reason what went wrong, shown to the user (at most
 *     {@link WorkerApiLimits#MAX_FAIL_REASON_CHARS} characters are kept)
 * @param retryable false for errors that another attempt cannot fix, such as ComfyUI's HTTP 400
 *     validation errors (a checkpoint that is not installed)
 */
public record FailRequest(int attempt, String reason, boolean retryable) {
}
