package org.text2image.server.generation;

import java.util.Map;

/**
 * A generation request that breaks a rule; nothing was written. {@link #fieldErrors()} maps form
 * field names ({@code prompt}, {@code width}, …) to messages shown beside the field.
 */
public class InvalidGenerationRequestException extends RuntimeException {

    private final Map<String, String> fieldErrors;

    public InvalidGenerationRequestException(Map<String, String> fieldErrors) {
        super(String.join(" ", fieldErrors.values()));
        this.fieldErrors = Map.copyOf(fieldErrors);
    }

    public Map<String, String> fieldErrors() {
        return fieldErrors;
    }
}
