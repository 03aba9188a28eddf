package org.text2image.server.training;

import java.util.UUID;

/**
 * A worker call with an issued token for an attempt leased to another worker name: answered 403,
 * as for generation jobs, and nothing was changed.
 */
public class NotYourTrainingException extends RuntimeException {

    public NotYourTrainingException(UUID id, int attempt) {
        super("Attempt " + attempt + " of training " + id + " is leased to another worker than this token's.");
    }
}
