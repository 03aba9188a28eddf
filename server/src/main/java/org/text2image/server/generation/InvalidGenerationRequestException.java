package org.text2image.server.generation;

import java.util.Map;
import org.text2image.server.support.InvalidInputException;

/**
 * A generation request that breaks a rule; nothing was written. {@link #fieldErrors()} maps form
 * field names ({@code prompt}, {@code width}, …) to messages shown beside the field.
 */
public class InvalidGenerationRequestException extends InvalidInputException {

    public InvalidGenerationRequestException(Map<String, String> fieldErrors) {
        super(fieldErrors);
    }
}
