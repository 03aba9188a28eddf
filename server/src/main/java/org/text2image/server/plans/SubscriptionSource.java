package org.text2image.server.plans;

/** Who pays for a plan term. */
public enum SubscriptionSource {
    /** A Stripe subscription: each period's credits come with its paid invoice ({@code invoice.paid}). */
    STRIPE,
    /** Paid by UPI and approved by an admin: the grant task grants the paid periods. */
    UPI,
    /** Given by an admin (audited), such as for a team: the grant task grants its periods. */
    ADMIN
}
