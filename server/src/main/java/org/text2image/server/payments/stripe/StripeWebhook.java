package org.text2image.server.payments.stripe;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.net.Webhook;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stripe's webhook events, verified and handled once each. The raw body is checked with
 * {@link Webhook#constructEvent} against the endpoint's signing secret, with Stripe's default
 * tolerance of {@value Webhook#DEFAULT_TOLERANCE} s between the signature's timestamp and the
 * clock. Each event id is stored ({@code stripe_event}) in the transaction that acts on it, so a
 * replayed event changes nothing; an event refused here stores nothing and changes nothing.
 *
 * <p>Events acted on (Stripe API reference, "Types of events"): {@code checkout.session.completed}
 * with {@code payment_status} {@code paid} and {@code checkout.session.async_payment_succeeded}
 * pay the payment ({@link StripePayments#paid}); {@code checkout.session.expired} and
 * {@code checkout.session.async_payment_failed} end an unpaid one; {@code charge.refunded} and
 * {@code charge.dispute.created} reverse a paid one ({@link StripePayments#reversed}). Checkout
 * Sessions in {@code subscription} mode, {@code invoice.paid}, {@code invoice.payment_failed},
 * {@code customer.subscription.updated} and {@code customer.subscription.deleted} are about plans
 * paid by card ({@link StripeSubscriptionEvents}). Other events, and events about subscriptions
 * not ours, are stored and ignored.
 */
@Service
public class StripeWebhook {

    /** What a webhook request did. */
    public enum Outcome {
        /** The event changed a payment, or was about one and needed no change. */
        HANDLED,
        /** The event was handled before: nothing changed. */
        REPLAYED,
        /** Not an event this site acts on (or about a charge not ours): stored, nothing changed. */
        IGNORED
    }

    private static final Logger log = LoggerFactory.getLogger(StripeWebhook.class);

    private final StripeProperties properties;
    private final StripeRows rows;
    private final StripePayments payments;
    private final StripeSubscriptionEvents subscriptions;
    private final TransactionTemplate tx;
    private final Clock clock;

    StripeWebhook(StripeProperties properties, StripeRows rows, StripePayments payments,
                  StripeSubscriptionEvents subscriptions, TransactionTemplate tx, Clock clock) {
        this.properties = properties;
        this.rows = rows;
        this.payments = payments;
        this.subscriptions = subscriptions;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * Verifies and handles one webhook request.
     *
     * @param payload the raw body, exactly as received (UTF-8)
     * @param signature the {@code Stripe-Signature} header, or null
     * @throws WebhookRefusedException when Stripe is not configured, the signature is missing, wrong
     *     or too old, or the event is malformed or does not match its payment (nothing is written)
     */
    public Outcome handle(String payload, String signature) {
        if (!properties.enabled()) {
            throw new WebhookRefusedException("Stripe is not configured on this site.");
        }
        if (signature == null || signature.isBlank()) {
            throw new WebhookRefusedException("The Stripe-Signature header is missing.");
        }
        Event event;
        JsonObject object;
        try {
            event = Webhook.constructEvent(payload, signature, properties.webhookSecret(), Webhook.DEFAULT_TOLERANCE, clock);
            object = JsonParser.parseString(payload).getAsJsonObject().getAsJsonObject("data").getAsJsonObject("object");
        } catch (SignatureVerificationException e) {
            throw new WebhookRefusedException("The signature does not verify: " + e.getMessage());
        } catch (RuntimeException e) { // signed, but not an event's JSON
            throw new WebhookRefusedException("The body is not a Stripe event.");
        }
        if (event.getId() == null || event.getType() == null || object == null) {
            throw new WebhookRefusedException("The event has no id, type or object.");
        }
        Outcome outcome = tx.execute(status -> {
            if (!rows.recordEvent(event.getId(), event.getType())) {
                return Outcome.REPLAYED;
            }
            Dispatched done = dispatch(event.getType(), object);
            if (done.paymentId() != null) {
                rows.linkEvent(event.getId(), done.paymentId());
            }
            return done.handled() ? Outcome.HANDLED : Outcome.IGNORED;
        });
        log.info("Stripe event {} ({}): {}", event.getId(), event.getType(), outcome);
        return outcome;
    }

    /** What {@link #dispatch} did: whether the event was about something of ours, and the payment it concerned. */
    private record Dispatched(boolean handled, Long paymentId) {

        static Dispatched payment(Long paymentId) {
            return new Dispatched(paymentId != null, paymentId);
        }

        static Dispatched plan(boolean ours) {
            return new Dispatched(ours, null);
        }
    }

    /** Acts on one event. */
    private Dispatched dispatch(String type, JsonObject object) {
        boolean subscriptionMode = "subscription".equals(text(object, "mode"));
        return switch (type) {
            case "checkout.session.completed" -> subscriptionMode ? Dispatched.plan(subscriptions.checkoutCompleted(object))
                    : Dispatched.payment("paid".equals(text(object, "payment_status"))
                            ? payments.paid(object) : payments.checked(object));
            case "checkout.session.async_payment_succeeded" -> subscriptionMode
                    ? Dispatched.plan(subscriptions.checkoutCompleted(object)) : Dispatched.payment(payments.paid(object));
            case "checkout.session.expired", "checkout.session.async_payment_failed" -> subscriptionMode
                    ? Dispatched.plan(subscriptions.checkoutExpired(object)) : Dispatched.payment(payments.unpaid(object));
            case "charge.refunded" -> Dispatched.payment(payments.reversed(object, StripePayments.Reversal.REFUNDED));
            case "charge.dispute.created" -> Dispatched.payment(payments.reversed(object, StripePayments.Reversal.DISPUTED));
            case "invoice.paid" -> Dispatched.plan(subscriptions.invoicePaid(object));
            case "invoice.payment_failed" -> Dispatched.plan(subscriptions.invoicePaymentFailed(object));
            case "customer.subscription.updated" -> Dispatched.plan(subscriptions.subscriptionUpdated(object));
            case "customer.subscription.deleted" -> Dispatched.plan(subscriptions.subscriptionDeleted(object));
            default -> Dispatched.plan(false);
        };
    }

    /** A string field of an event object, or null when absent, null or not a string. */
    static String text(JsonObject object, String field) {
        JsonElement value = object.get(field);
        return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isString() ? value.getAsString() : null;
    }
}
