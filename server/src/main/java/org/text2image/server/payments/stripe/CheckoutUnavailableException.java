package org.text2image.server.payments.stripe;

/** Stripe refused to open a Checkout Session or could not be reached; nothing was charged. */
public class CheckoutUnavailableException extends RuntimeException {

    CheckoutUnavailableException(Throwable cause) {
        super("Stripe could not open a checkout: " + cause.getMessage(), cause);
    }
}
