package org.text2image.server.payments.stripe;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.text2image.server.plans.BillingPeriod;

/**
 * The subscription tables of migration V25: {@code stripe_subscription_checkout} (the checkouts
 * users started, and the subscriptions they became) and {@code stripe_subscription_change} (plan
 * changes made from the Billing page). Every method runs in the caller's transaction.
 */
@Repository
class StripeSubscriptionRows {

    /** A checkout's states (V25). */
    enum State { OPENING, OPEN, ACTIVE, ENDED, EXPIRED, FAILED }

    /** What a plan change did (V25). */
    enum ChangeKind { UPGRADE, DOWNGRADE, REVERT }

    /**
     * One subscription checkout.
     *
     * @param sessionId Stripe's {@code cs_…}, once created
     * @param checkoutUrl Stripe's hosted page, once created
     * @param subscriptionId Stripe's {@code sub_…}, once Stripe completed the checkout
     */
    record Checkout(long id, String requestKey, long userId, String planId, BillingPeriod period, String currency,
                    long amountMinor, State state, String sessionId, String checkoutUrl, String subscriptionId) {
    }

    /** A change already made with a form key. */
    record Change(String requestKey, long userId, String subscriptionId, String planId, BillingPeriod period,
                  ChangeKind kind) {
    }

    private static final String COLUMNS = """
            id, request_key, user_id, plan_id, billing_period, currency, amount_minor, state, session_id, checkout_url,
            subscription_id""";

    private final JdbcClient jdbc;
    private final Clock clock;

    StripeSubscriptionRows(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Adds a checkout in state OPENING, once per key.
     *
     * @return empty when the key was used already
     */
    Optional<Checkout> insert(String requestKey, long userId, String planId, BillingPeriod period, String currency,
                              long amountMinor) {
        return jdbc.sql("""
                INSERT INTO stripe_subscription_checkout (request_key, user_id, plan_id, billing_period, currency,
                    amount_minor, state, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 'OPENING', ?, ?) ON CONFLICT (request_key) DO NOTHING
                RETURNING\s""" + COLUMNS)
                .params(requestKey, userId, planId, period.name(), currency, amountMinor, now(), now())
                .query(StripeSubscriptionRows::checkout).optional();
    }

    Optional<Checkout> byRequestKey(String requestKey) {
        return one("request_key = ?", requestKey);
    }

    Optional<Checkout> byId(long id) {
        return one("id = ?", id);
    }

    Optional<Checkout> bySession(String sessionId) {
        return one("session_id = ?", sessionId);
    }

    Optional<Checkout> bySubscription(String subscriptionId) {
        return one("subscription_id = ?", subscriptionId);
    }

    /** The user's newest active subscription by card. */
    Optional<Checkout> activeOf(long userId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM stripe_subscription_checkout WHERE user_id = ? AND state = 'ACTIVE' "
                        + "ORDER BY id DESC LIMIT 1")
                .params(userId).query(StripeSubscriptionRows::checkout).optional();
    }

    /**
     * The user's checkouts that could still be paid: OPEN ones (a Session exists), and OPENING ones
     * changed after {@code openingSince} (a Session being created now; an older one was cut off).
     */
    List<Checkout> payableOf(long userId, OffsetDateTime openingSince) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM stripe_subscription_checkout WHERE user_id = ? "
                        + "AND (state = 'OPEN' OR (state = 'OPENING' AND updated_at > ?)) ORDER BY id")
                .params(userId, openingSince).query(StripeSubscriptionRows::checkout).list();
    }

    /** The Session was created: OPENING → OPEN. */
    void opened(long id, String sessionId, String url) {
        jdbc.sql("""
                UPDATE stripe_subscription_checkout SET state = 'OPEN', session_id = ?, checkout_url = ?, updated_at = ?
                WHERE id = ? AND state = 'OPENING'""").params(sessionId, url, now(), id).update();
    }

    /** Stripe refused to create the Session: OPENING → FAILED. */
    void failed(long id) {
        jdbc.sql("UPDATE stripe_subscription_checkout SET state = 'FAILED', updated_at = ? WHERE id = ? AND state = 'OPENING'")
                .params(now(), id).update();
    }

    /**
     * Stripe completed the checkout: the subscription runs (OPENING, OPEN or EXPIRED → ACTIVE).
     *
     * @return false when the checkout is linked to another subscription, or ended
     */
    boolean activate(long id, String subscriptionId) {
        return jdbc.sql("""
                UPDATE stripe_subscription_checkout SET state = 'ACTIVE', subscription_id = ?, updated_at = ?
                WHERE id = ? AND (state IN ('OPENING', 'OPEN', 'EXPIRED') OR (state = 'ACTIVE' AND subscription_id = ?))""")
                .params(subscriptionId, now(), id, subscriptionId).update() == 1;
    }

    /** The Session expired unpaid: OPEN → EXPIRED. */
    void expired(long id) {
        jdbc.sql("UPDATE stripe_subscription_checkout SET state = 'EXPIRED', updated_at = ? WHERE id = ? AND state = 'OPEN'")
                .params(now(), id).update();
    }

    /** Stripe ended the subscription: ACTIVE → ENDED. */
    void ended(String subscriptionId) {
        jdbc.sql("UPDATE stripe_subscription_checkout SET state = 'ENDED', updated_at = ? WHERE subscription_id = ? AND state = 'ACTIVE'")
                .params(now(), subscriptionId).update();
    }

    Optional<Change> changeByKey(String requestKey) {
        return jdbc.sql("""
                SELECT request_key, user_id, subscription_id, plan_id, billing_period, kind
                FROM stripe_subscription_change WHERE request_key = ?""").params(requestKey)
                .query((rs, n) -> new Change(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        BillingPeriod.valueOf(rs.getString(5)), ChangeKind.valueOf(rs.getString(6))))
                .optional();
    }

    /**
     * Records a change made at Stripe under its form key.
     *
     * @return false when the key was recorded already
     */
    boolean recordChange(String requestKey, long userId, String subscriptionId, String planId, BillingPeriod period,
                         ChangeKind kind) {
        return jdbc.sql("""
                INSERT INTO stripe_subscription_change (request_key, user_id, subscription_id, plan_id, billing_period,
                    kind, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(requestKey, userId, subscriptionId, planId, period.name(), kind.name(), now()).update() == 1;
    }

    private Optional<Checkout> one(String where, Object value) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM stripe_subscription_checkout WHERE " + where).params(value)
                .query(StripeSubscriptionRows::checkout).optional();
    }

    private static Checkout checkout(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Checkout(rs.getLong("id"), rs.getString("request_key"), rs.getLong("user_id"), rs.getString("plan_id"),
                BillingPeriod.valueOf(rs.getString("billing_period")), rs.getString("currency"), rs.getLong("amount_minor"),
                State.valueOf(rs.getString("state")), rs.getString("session_id"), rs.getString("checkout_url"),
                rs.getString("subscription_id"));
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
