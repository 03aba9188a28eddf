package org.text2image.server.api.webhooks;

import java.util.Map;
import org.text2image.server.support.InvalidInputException;

/** A webhook change breaks a rule (the callback URL's, or the key is revoked); nothing was written. */
public class InvalidWebhookException extends InvalidInputException {

    /** @param message what is wrong, shown beside the form's {@code url} field */
    public InvalidWebhookException(String message) {
        super(Map.of("url", message));
    }
}
