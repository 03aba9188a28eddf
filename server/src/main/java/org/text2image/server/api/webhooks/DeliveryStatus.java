package org.text2image.server.api.webhooks;

/** Where a webhook delivery stands. */
public enum DeliveryStatus {
    /** Not delivered yet: due at its next attempt. */
    PENDING,
    /** The receiver answered 2xx. */
    DELIVERED,
    /** Given up: 24 hours of failed attempts, a 410 Gone, or the webhook removed or the key revoked. */
    FAILED
}
