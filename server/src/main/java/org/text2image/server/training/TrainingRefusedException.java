package org.text2image.server.training;

/**
 * A training the rules refuse (too few images, no allowance left, a missing form key, training not
 * set up); nothing was written. The page shows {@link #getMessage()} beside the Train form.
 */
public class TrainingRefusedException extends RuntimeException {

    /** @param message the user's message, plain text */
    public TrainingRefusedException(String message) {
        super(message);
    }
}
