package org.text2image.server.payments;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.Plan;

/**
 * The {@code payment} table (migration V15), for this module's services and its providers. Every
 * change of state is a conditional UPDATE naming the state it leaves, so of two racing decisions
 * one changes a row and the other none: callers act on the returned row only.
 */
@Repository
public class PaymentRows {

    /** Most rows a list returns. */
    public static final int MAX_LISTED = 200;

    static final String COLUMNS = """
            id, user_id, provider, state, reference, pack_id, credits, amount_minor, currency, utr, provider_reference,
            grant_key, reject_reason, decided_by, created_at, utr_submitted_at, decided_at, expires_at, plan_id,
            billing_period""";

    private final JdbcClient jdbc;
    private final Clock clock;

    PaymentRows(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * A new payment for a pack, once per request key: a replayed key inserts nothing.
     *
     * @param requestKey the one-time key of the form that asked for it
     * @param expiresAt when it expires unfinished, or null
     * @return the new row, or empty when a payment with this request key already exists
     * @throws org.springframework.dao.DuplicateKeyException when the reference is taken (retry with another)
     */
    public Optional<Payment> insert(long userId, PaymentProvider provider, PaymentState state, String reference,
                                    String requestKey, Pack pack, Instant expiresAt) {
        return jdbc.sql("""
                INSERT INTO payment (user_id, provider, state, reference, request_key, pack_id, credits, amount_minor,
                                     currency, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (request_key) DO NOTHING RETURNING\s""" + COLUMNS)
                .params(userId, provider.name(), state.name(), reference, requestKey, pack.id(), pack.credits(),
                        pack.priceMinor(), pack.currency(), now(), at(expiresAt))
                .query(Payment.class).optional();
    }

    /**
     * A new UPI payment for one period of a plan, once per request key: a replayed key inserts
     * nothing. Its credits are the period's credits of the plan now, its amount the plan's price for
     * the period now.
     *
     * @return the new row, or empty when a payment with this request key already exists
     * @throws org.springframework.dao.DuplicateKeyException when the reference is taken (retry with another)
     */
    public Optional<Payment> insertPlan(long userId, String reference, String requestKey, Plan plan,
                                        BillingPeriod period, Instant expiresAt) {
        return jdbc.sql("""
                INSERT INTO payment (user_id, provider, state, reference, request_key, plan_id, billing_period, credits,
                                     amount_minor, currency, created_at, expires_at)
                VALUES (?, 'UPI', 'AWAITING_UTR', ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (request_key) DO NOTHING RETURNING\s""" + COLUMNS)
                .params(userId, reference, requestKey, plan.id(), period.name(), period.of(plan.credits()),
                        period.of(plan.priceMinor()), plan.currency(), now(), at(expiresAt))
                .query(Payment.class).optional();
    }

    /**
     * The user's open plan request: waiting for review, or waiting for a UTR and not past its expiry.
     */
    public Optional<Payment> openPlanRequest(long userId) {
        return jdbc.sql("SELECT " + COLUMNS + """
                 FROM payment WHERE user_id = ? AND plan_id IS NOT NULL
                  AND (state = 'PENDING_REVIEW' OR (state = 'AWAITING_UTR' AND expires_at > ?))
                ORDER BY id DESC LIMIT 1""")
                .params(userId, now()).query(Payment.class).optional();
    }

    /** The payment with this id. */
    public Optional<Payment> find(long id) {
        return one("id = ?", id);
    }

    /** The payment with this reference. */
    public Optional<Payment> findByReference(String reference) {
        return one("reference = ?", reference);
    }

    /** The payment a form's one-time key created. */
    public Optional<Payment> findByRequestKey(String requestKey) {
        return one("request_key = ?", requestKey);
    }

    /** The payment with this UPI transaction reference, whatever its user and state. */
    public Optional<Payment> findByUtr(String utr) {
        return one("utr = ?", utr);
    }

    /** The payment with this provider id (such as a Stripe Checkout Session id). */
    public Optional<Payment> findByProviderReference(String providerReference) {
        return one("provider_reference = ?", providerReference);
    }

    /** The user's payments, newest first, at most {@code limit} (1–{@value #MAX_LISTED}). */
    public List<Payment> forUser(long userId, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payment WHERE user_id = ? ORDER BY id DESC LIMIT ?")
                .params(userId, Math.clamp(limit, 1, MAX_LISTED)).query(Payment.class).list();
    }

    /**
     * How many of the user's requests are open: waiting for review, or waiting for a UTR and not
     * past their expiry (the expiry task may not have run yet).
     */
    public int countOpen(long userId) {
        return jdbc.sql("""
                SELECT count(*) FROM payment WHERE user_id = ?
                  AND (state = 'PENDING_REVIEW' OR (state = 'AWAITING_UTR' AND expires_at > ?))""")
                .params(userId, now()).query(Integer.class).single();
    }

    /**
     * Serialises the user's payment requests until the caller's transaction ends (a PostgreSQL
     * transaction-level advisory lock on the user id), so two requests at once cannot both pass the
     * pending limit. Lock order: taken before any payment row.
     */
    public void lockUser(long userId) {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('payment-user'), hashtext(?::text))").params(userId)
                .query(Object.class).list();
    }

    /**
     * Moves a payment from one state to another when it is in {@code from}, setting the given
     * columns too. The one way states change.
     *
     * @param assignments extra {@code column = ?} assignments (column names from this class's callers)
     * @param values their values, in order
     * @return the changed row, or empty when the payment was not in {@code from} (another decision won)
     */
    public Optional<Payment> transition(long id, PaymentState from, PaymentState to, String assignments,
                                        Object... values) {
        Object[] params = new Object[values.length + 3];
        params[0] = to.name();
        System.arraycopy(values, 0, params, 1, values.length);
        params[values.length + 1] = id;
        params[values.length + 2] = from.name();
        return jdbc.sql("UPDATE payment SET state = ?" + (assignments.isEmpty() ? "" : ", " + assignments)
                        + " WHERE id = ? AND state = ? RETURNING " + COLUMNS)
                .params(params).query(Payment.class).optional();
    }

    /**
     * Records the UTR of the user's UPI request and moves it to review, if it is still waiting for
     * one and has not expired.
     *
     * @return the changed row, or empty when the request is not the user's, not waiting or expired
     * @throws org.springframework.dao.DuplicateKeyException when another payment has this UTR
     */
    public Optional<Payment> submitUtr(long id, long userId, String utr) {
        OffsetDateTime now = now();
        return jdbc.sql("UPDATE payment SET state = 'PENDING_REVIEW', utr = ?, utr_submitted_at = ?"
                        + " WHERE id = ? AND user_id = ? AND state = 'AWAITING_UTR' AND expires_at > ? RETURNING " + COLUMNS)
                .params(utr, now, id, userId, now).query(Payment.class).optional();
    }

    /**
     * Expires the payments in {@code state} whose expiry has passed.
     *
     * @return how many expired
     */
    public int expireDue(PaymentState state) {
        return jdbc.sql("UPDATE payment SET state = 'EXPIRED' WHERE state = ? AND expires_at <= ?")
                .params(state.name(), now()).update();
    }

    /** Payments in this state, oldest submission first (then oldest created), at most {@code limit}. */
    public List<Payment> inState(PaymentState state, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payment WHERE state = ? ORDER BY utr_submitted_at, created_at, id LIMIT ?")
                .params(state.name(), Math.clamp(limit, 1, MAX_LISTED)).query(Payment.class).list();
    }

    /**
     * Payments whose UTR or reference is {@code text} (exactly, case-insensitive for the reference)
     * or whose user is one of {@code userIds}; newest first, at most {@code limit}.
     */
    public List<Payment> search(String text, Collection<Long> userIds, int limit) {
        Long[] users = userIds.toArray(Long[]::new);
        return jdbc.sql("SELECT " + COLUMNS + """
                 FROM payment WHERE utr = ? OR reference = upper(?) OR user_id = ANY(?)
                ORDER BY id DESC LIMIT ?""")
                .params(text, text, users, Math.clamp(limit, 1, MAX_LISTED)).query(Payment.class).list();
    }

    /** Of these ledger grant keys, those that paid a payment of the user: grant key → payment reference. */
    public Map<String, String> referencesByGrantKey(long userId, Collection<String> grantKeys) {
        if (grantKeys.isEmpty()) {
            return Map.of();
        }
        return jdbc.sql("SELECT grant_key, reference FROM payment WHERE user_id = ? AND grant_key = ANY(?)")
                .params(userId, grantKeys.toArray(String[]::new))
                .query((rs, row) -> Map.entry(rs.getString(1), rs.getString(2))).list().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private Optional<Payment> one(String condition, Object value) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payment WHERE " + condition).params(value)
                .query(Payment.class).optional();
    }

    /** The clock's time, as a value the JDBC driver stores in a timestamptz column. */
    public OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }

    private static OffsetDateTime at(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
