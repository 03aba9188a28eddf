package org.text2image.server.credits;

import java.util.Map;

/** An admin adjustment that was refused, with a message per form field ({@code amount}, {@code reason}, {@code user}, {@code expiresInDays}). */
public class InvalidAdjustmentException extends RuntimeException {

    private final Map<String, String> fieldErrors;

    public InvalidAdjustmentException(Map<String, String> fieldErrors) {
        super(String.join(" ", fieldErrors.values()));
        this.fieldErrors = Map.copyOf(fieldErrors);
    }

    /** Field name → message. */
    public Map<String, String> fieldErrors() {
        return fieldErrors;
    }
}
