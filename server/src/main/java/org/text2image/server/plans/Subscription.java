package org.text2image.server.plans;

import java.time.Instant;

/**
 * A user's plan term ({@code plan_subscription}, migration V23).
 *
 * @param planId the plan of the current term (may name a plan no longer in the plans file)
 * @param period weekly or yearly
 * @param source who pays
 * @param startedAt the current term's first period start
 * @param paidUntil the end of the paid term; from then the user is on the next term or the free plan
 * @param nextGrantAt the start of the next period whose credits the grant task owes; null when none
 * @param cancelAtPeriodEnd a Stripe subscription that will not renew
 * @param next the term that follows at {@code paidUntil} (a downgrade), or null
 * @param stripeSubscriptionId Stripe's {@code sub_…} id, or null
 */
public record Subscription(long userId, String planId, BillingPeriod period, SubscriptionSource source,
                           Instant startedAt, Instant paidUntil, Instant nextGrantAt, boolean cancelAtPeriodEnd,
                           NextTerm next, String stripeSubscriptionId) {

    /** Whether the term is paid for at {@code now}. */
    public boolean activeAt(Instant now) {
        return now.isBefore(paidUntil) && !now.isBefore(startedAt);
    }

    /**
     * A term that follows the current one.
     *
     * @param planId its plan
     * @param period weekly or yearly
     * @param source who pays
     * @param paidUntil its end; null when its payer (Stripe) will tell
     */
    public record NextTerm(String planId, BillingPeriod period, SubscriptionSource source, Instant paidUntil) {
    }
}
