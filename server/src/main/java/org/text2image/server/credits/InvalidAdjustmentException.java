package org.text2image.server.credits;

import java.util.Map;
import org.text2image.server.support.InvalidInputException;

/** An admin adjustment that was refused, with a message per form field ({@code amount}, {@code reason}, {@code user}, {@code expiresInDays}). */
public class InvalidAdjustmentException extends InvalidInputException {

    public InvalidAdjustmentException(Map<String, String> fieldErrors) {
        super(fieldErrors);
    }
}
