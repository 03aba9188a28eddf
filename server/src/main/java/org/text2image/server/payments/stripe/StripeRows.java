package org.text2image.server.payments.stripe;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The Stripe tables of migration V17: {@code stripe_event} (events handled), {@code stripe_checkout}
 * (a payment's Stripe side) and {@code stripe_customer} (a user's Stripe customer). Every method
 * runs in the caller's transaction.
 */
@Repository
class StripeRows {

    private final JdbcClient jdbc;
    private final Clock clock;

    StripeRows(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Records a webhook event as handled, once.
     *
     * @return false when the event was handled before (a replay: do nothing)
     */
    boolean recordEvent(String eventId, String type) {
        return jdbc.sql("INSERT INTO stripe_event (event_id, type, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                .params(eventId, type, now()).update() == 1;
    }

    /** Links a handled event to the payment it was about. */
    void linkEvent(String eventId, long paymentId) {
        jdbc.sql("UPDATE stripe_event SET payment_id = ? WHERE event_id = ?").params(paymentId, eventId).update();
    }

    /** Records the hosted checkout page of a payment. */
    void saveCheckoutUrl(long paymentId, String url) {
        jdbc.sql("""
                INSERT INTO stripe_checkout (payment_id, checkout_url) VALUES (?, ?)
                ON CONFLICT (payment_id) DO UPDATE SET checkout_url = EXCLUDED.checkout_url""")
                .params(paymentId, url).update();
    }

    /** The hosted checkout page of a payment, if it was created. */
    Optional<String> checkoutUrl(long paymentId) {
        return jdbc.sql("SELECT checkout_url FROM stripe_checkout WHERE payment_id = ? AND checkout_url IS NOT NULL")
                .params(paymentId).query(String.class).optional();
    }

    /** Records the PaymentIntent that paid a payment (refunds and disputes name it). */
    void savePaymentIntent(long paymentId, String paymentIntent) {
        jdbc.sql("""
                INSERT INTO stripe_checkout (payment_id, payment_intent) VALUES (?, ?)
                ON CONFLICT (payment_id) DO UPDATE SET payment_intent = EXCLUDED.payment_intent""")
                .params(paymentId, paymentIntent).update();
    }

    /** The payment a PaymentIntent paid. */
    Optional<Long> paymentOfIntent(String paymentIntent) {
        return jdbc.sql("SELECT payment_id FROM stripe_checkout WHERE payment_intent = ?")
                .params(paymentIntent).query(Long.class).optional();
    }

    /** Records a refund or dispute of a payment and what it did to the credits. */
    void saveReversal(long paymentId, String reversal, Long refundedMinor, long revokedCredits, long owedCredits) {
        jdbc.sql("""
                UPDATE stripe_checkout SET reversal = ?, refunded_minor = ?, revoked_credits = ?, owed_credits = ?,
                    reversed_at = ?
                WHERE payment_id = ?""")
                .params(reversal, refundedMinor, revokedCredits, owedCredits, now(), paymentId).update();
    }

    /** The user's Stripe customer id. */
    Optional<String> customerOf(long userId) {
        return jdbc.sql("SELECT customer_id FROM stripe_customer WHERE user_id = ?").params(userId)
                .query(String.class).optional();
    }

    /** Keeps the user's first Stripe customer id (a later one for the same user is ignored). */
    void saveCustomer(long userId, String customerId) {
        jdbc.sql("INSERT INTO stripe_customer (user_id, customer_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                .params(userId, customerId, now()).update();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
