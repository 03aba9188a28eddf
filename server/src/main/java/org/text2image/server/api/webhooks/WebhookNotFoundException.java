package org.text2image.server.api.webhooks;

/** The key or delivery is unknown or another user's (the two look the same); the page answers 404. */
public class WebhookNotFoundException extends RuntimeException {

    /** @param message for the log only */
    public WebhookNotFoundException(String message) {
        super(message);
    }
}
