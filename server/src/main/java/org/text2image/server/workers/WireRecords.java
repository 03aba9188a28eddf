package org.text2image.server.workers;

import org.text2image.server.generation.LeasedJob;
import org.text2image.worker.api.ClaimedJob;

/** Translations from generation's domain types to the worker API's wire records. */
final class WireRecords {

    private WireRecords() {
    }

    /** A leased job as the claim's 200 body; durations in whole seconds. */
    static ClaimedJob claimedJob(LeasedJob job) {
        return new ClaimedJob(job.jobId(), job.attempt(), job.workflow(), job.promptId(),
                job.leaseTimeout().toSeconds(), job.attemptTimeout().toSeconds());
    }
}
