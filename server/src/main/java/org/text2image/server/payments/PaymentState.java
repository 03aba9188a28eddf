package org.text2image.server.payments;

/**
 * Where a payment stands (the {@code payment.state} column; migration V15 lists the transitions).
 * Only {@link #APPROVED}, {@link #PAID} and what follows them have granted credits.
 */
public enum PaymentState {
    /** UPI: created, the user has not entered the UTR yet; expires after 24 h. */
    AWAITING_UTR("Waiting for your UTR"),
    /** UPI: the UTR was entered; an admin checks it against the bank statement. */
    PENDING_REVIEW("Pending review"),
    /** UPI: an admin confirmed the money arrived; the credits were granted. */
    APPROVED("Approved"),
    /** UPI: an admin found no such payment; nothing was granted. */
    REJECTED("Rejected"),
    /** Nobody finished it in time (no UTR, or an abandoned checkout). */
    EXPIRED("Expired"),
    /** Stripe: the checkout page was opened and not paid yet. */
    CHECKOUT_OPEN("Waiting for payment"),
    /** Stripe: paid; the credits were granted. */
    PAID("Paid"),
    /** Stripe: refunded after payment. */
    REFUNDED("Refunded"),
    /** Stripe: the payer disputed the charge. */
    DISPUTED("Disputed");

    private final String label;

    PaymentState(String label) {
        this.label = label;
    }

    /** The state in words, as the payment history shows it. */
    public String label() {
        return label;
    }

    /** Whether the request still counts toward the pending limit (waiting for a UTR or for review). */
    public boolean open() {
        return this == AWAITING_UTR || this == PENDING_REVIEW;
    }
}
