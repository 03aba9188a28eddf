package org.text2image.server.payments;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Sales figures for the admin dashboard. A payment is <b>sold</b> when it granted credits and
 * kept them: an approved UPI payment or a paid card payment ({@link PaymentState#APPROVED},
 * {@link PaymentState#PAID}), counted at the moment it was approved or paid ({@code decided_at}).
 * Refunded and disputed payments are left out. Amounts are exact integers in each currency's minor
 * unit, never summed across currencies. Each figure is one aggregate query over the
 * {@code payment_sold} index (migration V21).
 */
@Service
public class PaymentStatistics {

    private static final String SOLD = "state IN ('APPROVED', 'PAID') AND grant_key IS NOT NULL";

    private final JdbcClient jdbc;

    PaymentStatistics(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * What was sold in [{@code from}, {@code to}).
     *
     * @param credits credits granted by the sold payments
     * @param revenue amount per currency (minor units), by currency code
     */
    public record Sales(long payments, long credits, Map<String, Long> revenue) {
    }

    /**
     * A page of payments, newest first.
     *
     * @param total how many match in all
     */
    public record PaymentList(List<Payment> payments, long total, int page, int size) {

        /** Whether a later page has payments. */
        public boolean hasNext() {
            return (long) (page + 1) * size < total;
        }
    }

    /**
     * Payments in {@code state} created in [{@code from}, {@code to}), or, with a null state, the
     * payments sold in that period (by when they were approved or paid); newest first.
     *
     * @param from the start, or null for any
     * @param to the end, or null for any
     * @param page 0-based, ≥ 0
     * @param size 1 … {@value PaymentRows#MAX_LISTED}
     */
    @Transactional(readOnly = true)
    public PaymentList list(PaymentState state, Instant from, Instant to, int page, int size) {
        String column = state == null ? "decided_at" : "created_at";
        String where = " FROM payment WHERE " + (state == null ? SOLD : "state = :state")
                + " AND (CAST(:from AS timestamptz) IS NULL OR " + column + " >= :from)"
                + " AND (CAST(:to AS timestamptz) IS NULL OR " + column + " < :to)";
        OffsetDateTime start = from == null ? null : from.atOffset(ZoneOffset.UTC);
        OffsetDateTime end = to == null ? null : to.atOffset(ZoneOffset.UTC);
        String stateName = state == null ? "" : state.name();
        long total = jdbc.sql("SELECT count(*)" + where).param("state", stateName).param("from", start).param("to", end)
                .query(Long.class).single();
        int limit = Math.clamp(size, 1, PaymentRows.MAX_LISTED);
        List<Payment> rows = jdbc.sql("SELECT " + PaymentRows.COLUMNS + where + " ORDER BY " + column
                        + " DESC NULLS LAST, id DESC LIMIT :limit OFFSET :offset")
                .param("state", stateName).param("from", start).param("to", end).param("limit", limit)
                .param("offset", (long) Math.max(page, 0) * limit).query(Payment.class).list();
        return new PaymentList(rows, total, Math.max(page, 0), limit);
    }

    /** How many UPI payments wait for an admin's review. */
    @Transactional(readOnly = true)
    public long pendingReview() {
        return jdbc.sql("SELECT count(*) FROM payment WHERE state = 'PENDING_REVIEW'").query(Long.class).single();
    }

    /** What was sold in [{@code from}, {@code to}). */
    @Transactional(readOnly = true)
    public Sales sold(Instant from, Instant to) {
        return daily(List.of(from, to)).getFirst();
    }

    /**
     * What was sold in each period between consecutive {@code bounds} (such as the starts of 31
     * days, for 30 days), in one query.
     *
     * @param bounds at least two instants, ascending
     * @return one entry per period, in order
     */
    @Transactional(readOnly = true)
    public List<Sales> daily(List<Instant> bounds) {
        if (bounds.size() < 2) {
            throw new IllegalArgumentException("two bounds or more");
        }
        int periods = bounds.size() - 1;
        long[] payments = new long[periods];
        long[] credits = new long[periods];
        List<Map<String, Long>> revenue = new ArrayList<>();
        for (int i = 0; i < periods; i++) {
            revenue.add(new TreeMap<>());
        }
        OffsetDateTime[] edges = bounds.stream().map(at -> at.atOffset(ZoneOffset.UTC)).toArray(OffsetDateTime[]::new);
        long[] edgeMillis = bounds.stream().mapToLong(Instant::toEpochMilli).toArray();
        jdbc.sql("SELECT width_bucket(CAST(floor(extract(epoch FROM decided_at) * 1000) AS bigint), CAST(:edges AS bigint[]))"
                        + " AS period, currency, count(*) AS payments,"
                        + " sum(credits) AS credits, sum(amount_minor) AS amount FROM payment WHERE " + SOLD
                        + " AND decided_at >= :from AND decided_at < :to GROUP BY 1, 2")
                .param("edges", edgeMillis).param("from", edges[0]).param("to", edges[periods])
                .query(rs -> {
                    int period = Math.clamp(rs.getInt("period") - 1, 0, periods - 1);
                    payments[period] += rs.getLong("payments");
                    credits[period] += rs.getLong("credits");
                    revenue.get(period).merge(rs.getString("currency"), rs.getLong("amount"), Long::sum);
                });
        List<Sales> sales = new ArrayList<>(periods);
        for (int i = 0; i < periods; i++) {
            sales.add(new Sales(payments[i], credits[i], revenue.get(i)));
        }
        return sales;
    }
}
