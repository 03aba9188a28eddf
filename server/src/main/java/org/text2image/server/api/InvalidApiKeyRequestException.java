package org.text2image.server.api;

import java.util.Map;
import org.text2image.server.support.InvalidInputException;

/** A key to create or change breaks a rule (name, scopes, the limit of keys per user); nothing was written. */
public class InvalidApiKeyRequestException extends InvalidInputException {

    /** @param fieldErrors form field ({@code name}, {@code scopes}) → message */
    public InvalidApiKeyRequestException(Map<String, String> fieldErrors) {
        super(fieldErrors);
    }
}
