package org.text2image.server.generation;

import java.time.Instant;
import java.util.UUID;

/**
 * Published inside the transaction that ends a job for good: it succeeded, failed (no attempt
 * left, or an error that is not retried) or was cancelled (by its owner, an admin, or because the
 * account was disabled). Every terminal transition publishes exactly one, after the job's row and
 * its credits are settled (the capture or release of its hold), so a listener reads the job as it
 * ended, cost included. Listeners run in that transaction: what they write commits or rolls back
 * with the job's end. The api module's webhooks queue their deliveries from it.
 *
 * @param jobId the job
 * @param userId its owner
 * @param status {@link JobStatus#SUCCEEDED}, {@link JobStatus#FAILED} or {@link JobStatus#CANCELLED}
 * @param at when it ended (the job's {@code finished_at})
 */
public record JobEnded(UUID jobId, long userId, JobStatus status, Instant at) {

    /** @throws IllegalArgumentException when {@code status} is not final */
    public JobEnded {
        if (status == null || !status.isFinal()) {
            throw new IllegalArgumentException("A job ends SUCCEEDED, FAILED or CANCELLED, not " + status);
        }
    }
}
