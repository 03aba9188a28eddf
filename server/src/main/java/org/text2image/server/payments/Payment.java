package org.text2image.server.payments;

import java.time.Instant;
import org.text2image.server.plans.BillingPeriod;

/**
 * One row of the {@code payment} table: one attempt to buy a pack, or one period of a plan (UPI
 * only, migration V26). Amounts are exact integers in the currency's minor unit; the pack's (or the
 * plan's) id, credits and price are copied in when the payment is created, so a later change of the
 * packs or plans file does not change what was bought.
 *
 * @param packId the pack bought; null for a plan payment
 * @param credits the pack's credits; for a plan payment, the credits of one period of the plan when
 *     it was requested (shown only: the plan's periods are granted by the plan's term), ≥ 0
 * @param reference short and unique, shown to the user and the admin (the UPI link's {@code tr})
 * @param utr UPI: the 12-digit transaction reference the user entered, or null
 * @param providerReference the provider's own id (a Stripe Checkout Session id), or null
 * @param grantKey the idempotency key of the ledger grant that paid out the credits
 *     ({@code upi:<UTR>}, {@code stripe:<session id>}), or null before one
 * @param rejectReason why an admin rejected it (only when {@link PaymentState#REJECTED})
 * @param decidedBy the admin who approved or rejected it, or null
 * @param expiresAt when an unfinished request expires, or null
 * @param planId the plan paid for, or null for a pack
 * @param billingPeriod the plan's period paid for (one week or one year), or null for a pack
 */
public record Payment(long id, long userId, PaymentProvider provider, PaymentState state, String reference,
                      String packId, long credits, long amountMinor, String currency, String utr,
                      String providerReference, String grantKey, String rejectReason, Long decidedBy,
                      Instant createdAt, Instant utrSubmittedAt, Instant decidedAt, Instant expiresAt,
                      String planId, BillingPeriod billingPeriod) {

    /** Whether it pays for a plan (one period of {@link #planId}) rather than a pack. */
    public boolean forPlan() {
        return planId != null;
    }

    /** The amount as the pages show it, such as {@code ₹499.00}. */
    public String amount() {
        return Money.format(amountMinor, currency);
    }
}
