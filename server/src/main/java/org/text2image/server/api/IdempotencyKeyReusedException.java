package org.text2image.server.api;

/** An Idempotency-Key used within 24 hours with another request body (422); nothing was written. */
public class IdempotencyKeyReusedException extends RuntimeException {

    public IdempotencyKeyReusedException() {
        super("This Idempotency-Key was used in the last 24 hours with a different request. Use a new key for a new "
                + "request, or repeat the first request exactly.");
    }
}
