package org.text2image.server.payments;

/** How a payment is made (the {@code payment.provider} column). */
public enum PaymentProvider {
    /** A UPI transfer, verified by an admin against the UTR the user enters. */
    UPI,
    /** Stripe Checkout (cards, wallets), confirmed by Stripe's webhook. */
    STRIPE
}
