package org.text2image.server.credits;

/** Where a lot of credits came from. */
public enum LotSource {
    /** The free credits of a new account. */
    SIGNUP,
    /** Bought (UPI, Stripe). */
    PURCHASE,
    /** Added by an admin, with a reason. */
    ADMIN,
    /** A plan period's credits (plans/PlanTerms): expire at the period's end. */
    PLAN,
    /** Any other grant (and balances from before lots existed). */
    GRANT
}
