package org.text2image.server.payments.stripe;

/** A webhook request that is not a verified, well-formed Stripe event about one of our payments (400). */
public class WebhookRefusedException extends RuntimeException {

    WebhookRefusedException(String message) {
        super(message);
    }
}
