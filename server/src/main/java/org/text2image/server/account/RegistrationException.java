package org.text2image.server.account;

import java.util.Map;
import org.text2image.server.support.InvalidInputException;

/** A registration that breaks a rule; no account was created. Messages per form field. */
public class RegistrationException extends InvalidInputException {

    public RegistrationException(Map<String, String> fieldErrors) {
        super(fieldErrors);
    }
}
