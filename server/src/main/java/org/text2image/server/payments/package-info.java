/**
 * Buying credits (docs/PAYMENTS.md): the credit packs of {@code config/packs.json}, the
 * {@code payment} table, the ways to pay ({@link org.text2image.server.payments.PaymentMethod}: UPI
 * with an admin's review in {@code upi}; Stripe Checkout and its signed webhook in {@code stripe}),
 * the pages ({@code web}) and the payment mails. Credits reach the user only through the ledger's
 * idempotent grants.
 */
@ApplicationModule(allowedDependencies = {"account", "credits", "notifications", "plans", "settings", "support"})
package org.text2image.server.payments;

import org.springframework.modulith.ApplicationModule;
