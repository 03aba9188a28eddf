package org.text2image.server.account;

import java.util.Map;

/** A registration that breaks a rule; no account was created. Messages per form field. */
public class RegistrationException extends RuntimeException {

    private final Map<String, String> fieldErrors;

    public RegistrationException(Map<String, String> fieldErrors) {
        super(String.join(" ", fieldErrors.values()));
        this.fieldErrors = Map.copyOf(fieldErrors);
    }

    public Map<String, String> fieldErrors() {
        return fieldErrors;
    }
}
