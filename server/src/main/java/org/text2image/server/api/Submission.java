package org.text2image.server.api;

import java.util.UUID;

/**
 * The answer to an API job submission.
 *
 * @param jobId the job made for this request, or the one first made for its Idempotency-Key
 * @param created true when this call made the job; false when it repeated an earlier submission
 */
public record Submission(UUID jobId, boolean created) {
}
