package org.text2image.server.support;

import java.util.Map;

/**
 * Input that breaks a rule, with a message per form field; nothing was written. Pages show each
 * message beside its field (422), the JSON APIs return them as problem details (400). Each
 * feature names its own subclass ({@code InvalidGenerationRequestException}, …) so callers can
 * catch what they expect.
 */
public class InvalidInputException extends RuntimeException {

    private final Map<String, String> fieldErrors;

    /** @param fieldErrors form field name ({@code prompt}, {@code amount}, …) → message, at least one */
    public InvalidInputException(Map<String, String> fieldErrors) {
        super(String.join(" ", fieldErrors.values()));
        this.fieldErrors = Map.copyOf(fieldErrors);
    }

    /** Field name → message. */
    public Map<String, String> fieldErrors() {
        return fieldErrors;
    }
}
