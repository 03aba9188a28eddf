package org.text2image.server.training;

import java.util.UUID;

/**
 * A worker call for an attempt that no longer holds its training (re-queued, ended, past its
 * deadline): answered 409 and nothing was changed; the worker must stop and upload nothing.
 */
public class StaleTrainingAttemptException extends RuntimeException {

    public StaleTrainingAttemptException(UUID id, int attempt) {
        super("Attempt " + attempt + " no longer holds training " + id + ".");
    }
}
