package org.text2image.server.generation;

import java.util.UUID;

/**
 * A call for an attempt whose deadline (attempt-timeout) has passed: the attempt was failed as
 * timed out (committed) and the call changed nothing else. A kind of {@link StaleAttemptException}.
 */
public class AttemptTimedOutException extends StaleAttemptException {

    public AttemptTimedOutException(UUID jobId, int attempt) {
        super(jobId, attempt);
    }
}
