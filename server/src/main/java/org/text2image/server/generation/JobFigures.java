package org.text2image.server.generation;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The dashboard's job figures, read in a few aggregate queries.
 *
 * @param queued jobs waiting now
 * @param oldestQueuedId the job that has waited longest, or null when none waits
 * @param oldestQueuedAt when it was submitted, or null
 * @param running jobs running now
 * @param day jobs submitted in the day asked for, by their state now
 * @param failureReasons the most frequent errors of the day's failed jobs, most frequent first
 * @param hours jobs submitted in each of the hours asked for, oldest hour first
 */
public record JobFigures(long queued, UUID oldestQueuedId, Instant oldestQueuedAt, long running, Counts day,
                         List<Reason> failureReasons, List<Counts> hours) {

    /**
     * Jobs submitted in a period, by their state now.
     *
     * @param start the period's start (an hour's start for {@link #hours})
     */
    public record Counts(Instant start, long submitted, long succeeded, long failed) {
    }

    /** A failure reason and how many of the day's failed jobs ended with it. */
    public record Reason(String error, long jobs) {
    }
}
