package org.text2image.server.payments;

import java.time.Instant;

/**
 * One row of the {@code payment} table: one attempt to buy a pack. Amounts are exact integers in
 * the currency's minor unit; the pack's id, credits and price are copied in when the payment is
 * created, so a later change of the packs file does not change what was bought.
 *
 * @param reference short and unique, shown to the user and the admin (the UPI link's {@code tr})
 * @param utr UPI: the 12-digit transaction reference the user entered, or null
 * @param providerReference the provider's own id (a Stripe Checkout Session id), or null
 * @param grantKey the idempotency key of the ledger grant that paid out the credits
 *     ({@code upi:<UTR>}, {@code stripe:<session id>}), or null before one
 * @param rejectReason why an admin rejected it (only when {@link PaymentState#REJECTED})
 * @param decidedBy the admin who approved or rejected it, or null
 * @param expiresAt when an unfinished request expires, or null
 */
public record Payment(long id, long userId, PaymentProvider provider, PaymentState state, String reference,
                      String packId, long credits, long amountMinor, String currency, String utr,
                      String providerReference, String grantKey, String rejectReason, Long decidedBy,
                      Instant createdAt, Instant utrSubmittedAt, Instant decidedAt, Instant expiresAt) {

    /** The amount as the pages show it, such as {@code ₹499.00}. */
    public String amount() {
        return Money.format(amountMinor, currency);
    }
}
