package org.text2image.server.generation;

import java.util.UUID;

/**
 * A worker call for an attempt that no longer holds the job (it was re-queued, finished or
 * cancelled): the call changed nothing and charged nothing. The worker API answers 409.
 */
public class StaleAttemptException extends RuntimeException {

    public StaleAttemptException(UUID jobId, int attempt) {
        super("Attempt " + attempt + " of job " + jobId + " no longer holds the job");
    }
}
