package org.text2image.server.account;

import java.util.Map;
import org.text2image.server.support.InvalidInputException;

/** A password change or reset that breaks a rule; nothing changed. Messages per form field. */
public class InvalidPasswordException extends InvalidInputException {

    public InvalidPasswordException(Map<String, String> fieldErrors) {
        super(fieldErrors);
    }
}
