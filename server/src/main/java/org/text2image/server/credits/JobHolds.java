package org.text2image.server.credits;

import java.util.List;
import java.util.UUID;

/**
 * The jobs' side of the ledger's invariant check, given by the module that keeps the jobs (it
 * implements this; the ledger never reads the jobs' tables): for each job, the hold it owns and
 * what that hold must be by the job's status. {@link LedgerInvariants} compares it with the holds.
 */
@FunctionalInterface
public interface JobHolds {

    /** Every job with its hold, in any order: the whole table, so for the invariant check only. */
    List<JobHold> all();

    /**
     * One job's claim on its hold.
     *
     * @param jobStatus the job's status as the job module names it (such as {@code SUCCEEDED}), for messages
     * @param holdId the {@code credit_hold} row the job reserved its price with
     * @param priceCredits the job's price: the hold must be for exactly this many credits
     * @param expectedStatus what the hold must be by now (OPEN while the job may still run,
     *     CAPTURED once it succeeded, RELEASED once it failed or was cancelled)
     */
    record JobHold(UUID jobId, String jobStatus, long holdId, long priceCredits, HoldStatus expectedStatus) {
    }
}
