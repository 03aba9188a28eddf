package org.text2image.server.payments;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.DataClassRowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Card payments refunded or disputed after they paid (the {@code stripe_checkout} rows of
 * migration V17), for the admins' alert on the Payments page: what was taken back, and what the
 * user had already spent and so still owes.
 */
@Service
public class PaymentReversals {

    /** Most reversals listed. */
    public static final int MAX_LISTED = 50;

    private static final DataClassRowMapper<Payment> PAYMENT = new DataClassRowMapper<>(Payment.class);

    private final JdbcClient jdbc;

    PaymentReversals(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One reversed payment.
     *
     * @param refundedMinor the amount Stripe refunded, in minor units (null for a dispute)
     * @param revokedCredits the unspent credits taken back
     * @param owedCredits the credits the user had spent or reserved before: not taken back, owed
     */
    public record Reversed(Payment payment, Long refundedMinor, long revokedCredits, long owedCredits,
                           Instant reversedAt) {

        /** The refunded amount as the pages show it, or null. */
        public String refunded() {
            return refundedMinor == null ? null : Money.format(refundedMinor, payment.currency());
        }
    }

    /** The latest refunds and disputes, newest first. */
    @Transactional(readOnly = true)
    public List<Reversed> recent() {
        return jdbc.sql("SELECT " + PaymentRows.COLUMNS.replaceAll("(\\w+)", "p.$1") + """
                , s.refunded_minor, s.revoked_credits, s.owed_credits, s.reversed_at
                FROM stripe_checkout s JOIN payment p ON p.id = s.payment_id
                WHERE s.reversal IS NOT NULL ORDER BY s.reversed_at DESC, p.id DESC LIMIT ?""")
                .params(MAX_LISTED)
                .query((rs, n) -> new Reversed(PAYMENT.mapRow(rs, n), (Long) rs.getObject("refunded_minor"),
                        rs.getLong("revoked_credits"), rs.getLong("owed_credits"),
                        rs.getObject("reversed_at", OffsetDateTime.class).toInstant()))
                .list();
    }
}
