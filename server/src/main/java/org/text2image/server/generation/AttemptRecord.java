package org.text2image.server.generation;

import java.time.Duration;
import java.time.Instant;

/**
 * One attempt of a job, as the admin's job page lists it.
 *
 * @param attempt the fencing number, 1-based (hand-backs take a number too)
 * @param workerName the worker it was leased to
 * @param endedAt when it ended, or null while it runs
 * @param outcome {@code SUCCEEDED}, {@code RETRIED} (failed, the job was queued again), {@code FAILED}
 *     (failed, the job with it), {@code HANDED_BACK} (given back unrun), {@code CANCELLED}; null while it runs
 * @param error why it did not succeed, or null
 */
public record AttemptRecord(int attempt, String workerName, Instant startedAt, Instant endedAt, String outcome,
                            String error) {

    /** How long it ran, in seconds with one decimal ("12.5 s"); empty while it runs. */
    public String runTime() {
        if (endedAt == null) {
            return "";
        }
        long millis = Duration.between(startedAt, endedAt).toMillis();
        return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
