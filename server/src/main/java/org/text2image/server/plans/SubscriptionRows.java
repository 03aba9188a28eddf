package org.text2image.server.plans;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The rows behind the plans: {@code plan_subscription} (one per user on a paid plan) and
 * {@code plan_period} (one per granted period), migration V23. Every method runs in the caller's
 * transaction.
 */
@Component
class SubscriptionRows {

    private static final String COLUMNS = """
            user_id, plan_id, billing_period, source, started_at, paid_until, next_grant_at, cancel_at_period_end,
            next_plan_id, next_billing_period, next_source, next_paid_until, stripe_subscription_id""";

    private final JdbcClient jdbc;

    SubscriptionRows(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Subscription> find(long userId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM plan_subscription WHERE user_id = ?")
                .params(userId).query(SubscriptionRows::map).optional();
    }

    /** The user's term, locked for a change. */
    Optional<Subscription> lock(long userId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM plan_subscription WHERE user_id = ? FOR UPDATE")
                .params(userId).query(SubscriptionRows::map).optional();
    }

    /** The term of a Stripe subscription, locked. */
    Optional<Subscription> lockByStripeId(String subscriptionId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM plan_subscription WHERE stripe_subscription_id = ? FOR UPDATE")
                .params(subscriptionId).query(SubscriptionRows::map).optional();
    }

    /** Inserts or replaces the user's term. */
    void save(Subscription s, Instant now) {
        Subscription.NextTerm next = s.next();
        jdbc.sql("""
                INSERT INTO plan_subscription (user_id, plan_id, billing_period, source, started_at, paid_until,
                    next_grant_at, cancel_at_period_end, next_plan_id, next_billing_period, next_source, next_paid_until,
                    stripe_subscription_id, updated_at)
                VALUES (:user, :plan, :period, :source, :started, :paid, :grant, :cancel, :nextPlan, :nextPeriod,
                    :nextSource, :nextPaid, :stripe, :now)
                ON CONFLICT (user_id) DO UPDATE SET plan_id = EXCLUDED.plan_id, billing_period = EXCLUDED.billing_period,
                    source = EXCLUDED.source, started_at = EXCLUDED.started_at, paid_until = EXCLUDED.paid_until,
                    next_grant_at = EXCLUDED.next_grant_at, cancel_at_period_end = EXCLUDED.cancel_at_period_end,
                    next_plan_id = EXCLUDED.next_plan_id, next_billing_period = EXCLUDED.next_billing_period,
                    next_source = EXCLUDED.next_source, next_paid_until = EXCLUDED.next_paid_until,
                    stripe_subscription_id = EXCLUDED.stripe_subscription_id, updated_at = EXCLUDED.updated_at""")
                .param("user", s.userId()).param("plan", s.planId()).param("period", s.period().name())
                .param("source", s.source().name()).param("started", ts(s.startedAt())).param("paid", ts(s.paidUntil()))
                .param("grant", ts(s.nextGrantAt())).param("cancel", s.cancelAtPeriodEnd())
                .param("nextPlan", next == null ? null : next.planId())
                .param("nextPeriod", next == null ? null : next.period().name())
                .param("nextSource", next == null ? null : next.source().name())
                .param("nextPaid", next == null ? null : ts(next.paidUntil()))
                .param("stripe", s.stripeSubscriptionId()).param("now", ts(now))
                .update();
    }

    void delete(long userId) {
        jdbc.sql("DELETE FROM plan_subscription WHERE user_id = ?").params(userId).update();
    }

    /**
     * Records a granted period, once per user and period start.
     *
     * @return false when the period was recorded before (by another task run, instance or invoice)
     */
    boolean recordPeriod(long userId, Instant start, Instant end, String planId, BillingPeriod period, long credits,
                         String grantKey, Instant now) {
        return jdbc.sql("""
                INSERT INTO plan_period (user_id, period_start, period_end, plan_id, billing_period, credits, grant_key,
                    granted_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(userId, ts(start), ts(end), planId, period.name(), credits, credits == 0 ? null : grantKey, ts(now))
                .update() == 1;
    }

    /** Users whose term owes a period's credits, or rolls over to its next term, at {@code now}. */
    List<Long> due(Instant now, int limit) {
        return jdbc.sql("""
                SELECT user_id FROM plan_subscription WHERE next_grant_at <= :now
                UNION
                SELECT user_id FROM plan_subscription WHERE next_paid_until IS NOT NULL AND paid_until <= :now
                ORDER BY user_id LIMIT :limit""")
                .param("now", ts(now)).param("limit", limit).query(Long.class).list();
    }

    /**
     * How many users each plan id has at {@code now}: terms paid until after {@code now}, or whose
     * next term has begun and runs past {@code now} (not yet rolled over by the grant task).
     */
    java.util.Map<String, Long> countByPlan(Instant now) {
        java.util.Map<String, Long> counts = new java.util.LinkedHashMap<>();
        jdbc.sql("""
                SELECT CASE WHEN paid_until > :now THEN plan_id ELSE next_plan_id END AS plan, count(*) AS users
                FROM plan_subscription
                WHERE (started_at <= :now AND paid_until > :now) OR (paid_until <= :now AND next_paid_until > :now)
                GROUP BY 1 ORDER BY 1""")
                .param("now", ts(now))
                .query(rs -> {
                    counts.put(rs.getString("plan"), rs.getLong("users"));
                });
        return counts;
    }

    /** The periods granted to a user, newest first. */
    List<GrantedPeriod> periods(long userId, int limit) {
        return jdbc.sql("""
                SELECT period_start, period_end, plan_id, billing_period, credits FROM plan_period
                WHERE user_id = ? ORDER BY period_start DESC LIMIT ?""")
                .params(userId, limit)
                .query((rs, n) -> new GrantedPeriod(instant(rs, "period_start"), instant(rs, "period_end"),
                        rs.getString("plan_id"), BillingPeriod.valueOf(rs.getString("billing_period")),
                        rs.getLong("credits")))
                .list();
    }

    private static Subscription map(ResultSet rs, int row) throws SQLException {
        String nextPlan = rs.getString("next_plan_id");
        Subscription.NextTerm next = nextPlan == null ? null : new Subscription.NextTerm(nextPlan,
                BillingPeriod.valueOf(rs.getString("next_billing_period")),
                SubscriptionSource.valueOf(rs.getString("next_source")), instant(rs, "next_paid_until"));
        return new Subscription(rs.getLong("user_id"), rs.getString("plan_id"),
                BillingPeriod.valueOf(rs.getString("billing_period")), SubscriptionSource.valueOf(rs.getString("source")),
                instant(rs, "started_at"), instant(rs, "paid_until"), instant(rs, "next_grant_at"),
                rs.getBoolean("cancel_at_period_end"), next, rs.getString("stripe_subscription_id"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
