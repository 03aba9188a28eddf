package org.text2image.server.payments.stripe;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LotSource;
import org.text2image.server.credits.Revocation;
import org.text2image.server.payments.Pack;
import org.text2image.server.payments.Packs;
import org.text2image.server.payments.Payment;
import org.text2image.server.payments.PaymentMails;
import org.text2image.server.payments.PaymentProvider;
import org.text2image.server.payments.PaymentRows;
import org.text2image.server.payments.PaymentState;

/**
 * What a verified Stripe event does to a payment, in the webhook's transaction
 * ({@link StripeWebhook}). A Checkout Session event must match its payment exactly (the metadata's
 * payment, user and pack, the amount and currency) or it is refused and nothing is written.
 * Paying grants the pack's credits once, under the ledger key {@code stripe:<session id>}, so a
 * Session paid through two events grants once. A refund or dispute takes back what is left unspent
 * of that grant (ledger key {@code stripe-revoke:<session id>}) and records what was already spent
 * as owed, for the admin's Payments page.
 *
 * <p>Lock order: the payment row, then what the ledger locks, then the Stripe rows and the outbox.
 */
@Component
class StripePayments {

    /** How a paid payment was reversed. */
    enum Reversal { REFUNDED, DISPUTED }

    private static final Logger log = LoggerFactory.getLogger(StripePayments.class);

    private final PaymentRows payments;
    private final StripeRows rows;
    private final CreditLedger ledger;
    private final CreditStatements statements;
    private final PaymentMails mails;
    private final Packs packs;

    StripePayments(PaymentRows payments, StripeRows rows, CreditLedger ledger, CreditStatements statements,
                   PaymentMails mails, Packs packs) {
        this.payments = payments;
        this.rows = rows;
        this.ledger = ledger;
        this.statements = statements;
        this.mails = mails;
        this.packs = packs;
    }

    /**
     * A paid Checkout Session: the payment becomes {@link PaymentState#PAID} and its credits are
     * granted, or nothing happens when this Session paid it already.
     *
     * @return the payment's id
     * @throws WebhookRefusedException when the Session does not match its payment
     */
    @Transactional(propagation = Propagation.MANDATORY)
    Long paid(JsonObject session) {
        Payment payment = matching(session);
        String sessionId = StripeWebhook.text(session, "id");
        String grantKey = "stripe:" + sessionId;
        Optional<Payment> changed = payments.transition(payment.id(), PaymentState.CHECKOUT_OPEN, PaymentState.PAID,
                "provider_reference = ?, grant_key = ?, decided_at = ?", sessionId, grantKey, payments.now())
                .or(() -> payments.transition(payment.id(), PaymentState.EXPIRED, PaymentState.PAID,
                        "provider_reference = ?, grant_key = ?, decided_at = ?", sessionId, grantKey, payments.now()));
        if (changed.isEmpty()) {
            Payment now = payments.find(payment.id()).orElseThrow();
            if (!grantKey.equals(now.grantKey())) {
                throw new WebhookRefusedException("Payment " + now.reference() + " is " + now.state() + " by another session.");
            }
            return now.id(); // paid through another event of the same Session: granted once
        }
        Payment paid = changed.get();
        ledger.grant(paid.userId(), paid.credits(), LotSource.PURCHASE, null, grantKey, "Bought the "
                + packs.find(paid.packId()).map(Pack::name).orElse(paid.packId()) + " pack (card " + paid.reference() + ")");
        String intent = StripeWebhook.text(session, "payment_intent");
        if (intent != null) {
            rows.savePaymentIntent(paid.id(), intent);
        }
        String customer = StripeWebhook.text(session, "customer");
        if (customer != null) {
            rows.saveCustomer(paid.userId(), customer);
        }
        mails.paid(paid, statements.balance(paid.userId()).availableCredits());
        log.info("Stripe paid payment {} of user {}: {} credits", paid.reference(), paid.userId(), paid.credits());
        return paid.id();
    }

    /** A completed Session not paid yet (a delayed method such as a bank debit): checked, nothing changes. */
    @Transactional(propagation = Propagation.MANDATORY)
    Long checked(JsonObject session) {
        return matching(session).id();
    }

    /** A Session that expired or whose delayed payment failed: an open payment expires. */
    @Transactional(propagation = Propagation.MANDATORY)
    Long unpaid(JsonObject session) {
        Payment payment = matching(session);
        payments.transition(payment.id(), PaymentState.CHECKOUT_OPEN, PaymentState.EXPIRED, "");
        return payment.id();
    }

    /**
     * A refunded or disputed charge: its paid payment is marked, and the credits still unspent of
     * its grant are taken back. A charge that paid none of our payments is ignored.
     *
     * @param charge a {@code charge} object ({@code charge.refunded}) or a {@code dispute}
     *     ({@code charge.dispute.created}); both carry {@code payment_intent}
     * @return the payment's id, or null when the charge is not ours
     */
    @Transactional(propagation = Propagation.MANDATORY)
    Long reversed(JsonObject charge, Reversal reversal) {
        String intent = StripeWebhook.text(charge, "payment_intent");
        Optional<Payment> found = intent == null ? Optional.empty()
                : rows.paymentOfIntent(intent).flatMap(payments::find);
        if (found.isEmpty()) {
            return null;
        }
        Payment payment = found.get();
        Optional<Payment> marked = payments.transition(payment.id(), PaymentState.PAID, PaymentState.valueOf(reversal.name()), "");
        if (marked.isEmpty()) {
            log.warn("Stripe {} payment {}, which is {} already: nothing more taken back", reversal, payment.reference(),
                    payment.state());
            return payment.id();
        }
        Revocation revocation = ledger.revokeGrant(payment.grantKey(), "stripe-revoke:" + payment.providerReference(),
                (reversal == Reversal.REFUNDED ? "Refunded" : "Disputed") + " card payment " + payment.reference());
        Long refunded = reversal == Reversal.REFUNDED ? amount(charge, "amount_refunded") : null;
        rows.saveReversal(payment.id(), reversal.name(), refunded, revocation.revokedCredits(), revocation.keptCredits());
        log.warn("Stripe {} payment {} of user {}: {} unspent credits taken back, {} already spent (owed)", reversal,
                payment.reference(), payment.userId(), revocation.revokedCredits(), revocation.keptCredits());
        return payment.id();
    }

    /**
     * The payment a Checkout Session names in its metadata, when everything matches: a Session id,
     * our payment by Stripe, the same user and pack, the exact amount and currency.
     */
    private Payment matching(JsonObject session) {
        String sessionId = StripeWebhook.text(session, "id");
        if (sessionId == null || !sessionId.startsWith("cs_")) {
            throw new WebhookRefusedException("The event's object is not a Checkout Session.");
        }
        JsonObject metadata = session.get("metadata") instanceof JsonObject object ? object : new JsonObject();
        Payment payment = number(StripeWebhook.text(metadata, "payment_id")).flatMap(payments::find)
                .filter(p -> p.provider() == PaymentProvider.STRIPE)
                .orElseThrow(() -> new WebhookRefusedException("Session " + sessionId + " names no card payment of this site."));
        // The payment copied its pack's credits and price: a pack taken off sale since still pays.
        if (!Long.toString(payment.userId()).equals(StripeWebhook.text(metadata, "user_id"))
                || !payment.packId().equals(StripeWebhook.text(metadata, "pack_id"))) {
            throw new WebhookRefusedException("Session " + sessionId + ": user or pack does not match payment "
                    + payment.reference() + ".");
        }
        if (payment.providerReference() != null && !payment.providerReference().equals(sessionId)) {
            throw new WebhookRefusedException("Payment " + payment.reference() + " belongs to another session.");
        }
        Long amount = amount(session, "amount_total");
        String currency = StripeWebhook.text(session, "currency");
        if (amount == null || amount != payment.amountMinor()
                || !payment.currency().toLowerCase(Locale.ROOT).equals(currency)) {
            throw new WebhookRefusedException("Session " + sessionId + " is for " + amount + " " + currency
                    + ", payment " + payment.reference() + " for " + payment.amountMinor() + " " + payment.currency() + ".");
        }
        return payment;
    }

    private static Long amount(JsonObject object, String field) {
        JsonElement value = object.get(field);
        try {
            return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()
                    ? value.getAsBigDecimal().longValueExact() : null;
        } catch (ArithmeticException e) {
            return null;
        }
    }

    private static Optional<Long> number(String text) {
        try {
            return text == null ? Optional.empty() : Optional.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
