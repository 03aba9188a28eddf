package org.text2image.server.credits;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Writes an admin's decision that is not a credit adjustment (such as approving or rejecting a
 * payment) into the audit log ({@code admin_audit}, append-only), in the caller's transaction:
 * the decision and its audit row commit or roll back together. {@link CreditAdjustments#audit}
 * lists them with the adjustments.
 */
@Service
public class AdminAuditLog {

    /** An action name: upper-case letters and underscores, such as {@code PAYMENT_APPROVED}. */
    public static final Pattern ACTION = Pattern.compile("[A-Z][A-Z_]{0,39}");

    private final JdbcClient jdbc;
    private final Clock clock;

    AdminAuditLog(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Appends one audit row, stamped with the clock's time.
     *
     * @param action such as {@code PAYMENT_APPROVED} (see {@link #ACTION})
     * @param targetUserId the user the decision is about, or null
     * @param amountCredits the credits it moved (+ added, − removed), or null
     * @param reason why, not blank, at most {@value CreditAdjustments#MAX_REASON} characters
     * @throws IllegalArgumentException for a malformed action or a blank or over-long reason
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void record(long adminId, String action, Long targetUserId, Long amountCredits, String reason) {
        if (!ACTION.matcher(action).matches()) {
            throw new IllegalArgumentException("Not an audit action: " + action);
        }
        if (reason == null || reason.isBlank() || reason.length() > CreditAdjustments.MAX_REASON) {
            throw new IllegalArgumentException("An audit row needs a reason of 1-" + CreditAdjustments.MAX_REASON
                    + " characters");
        }
        jdbc.sql("""
                INSERT INTO admin_audit (admin_id, action, target_user_id, amount_credits, reason, created_at)
                VALUES (?, ?, ?, ?, ?, ?)""")
                .params(adminId, action, targetUserId, amountCredits, reason.strip(), OffsetDateTime.now(clock))
                .update();
    }
}
