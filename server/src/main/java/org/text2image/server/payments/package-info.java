/**
 * Buying credits and paying for plans (docs/PAYMENTS.md, docs/PLANS.md): the credit packs of
 * {@code config/packs.json}, the {@code payment} table, UPI payments for plan periods (an approval
 * puts the user on the plan through {@link org.text2image.server.plans.PlanTerms}), the Pricing and
 * Billing pages, the ways to pay ({@link org.text2image.server.payments.PaymentMethod}: UPI
 * with an admin's review in {@code upi}; Stripe Checkout and its signed webhook in {@code stripe}),
 * the pages ({@code web}) and the payment mails. Credits reach the user only through the ledger's
 * idempotent grants.
 */
@ApplicationModule(allowedDependencies = {"account", "catalog", "credits", "notifications", "plans", "settings",
        "support"})
package org.text2image.server.payments;

import org.springframework.modulith.ApplicationModule;
