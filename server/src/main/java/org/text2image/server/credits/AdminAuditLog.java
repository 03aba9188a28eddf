package org.text2image.server.credits;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The audit log of admin actions ({@code admin_audit}): every admin action that changes something
 * (credit adjustments, payment decisions, worker tokens, user accounts) appends one row, in the
 * caller's transaction, so the action and its row commit or roll back together. The table is
 * append-only: a database trigger refuses UPDATE and DELETE (migration V7).
 */
@Service
public class AdminAuditLog {

    /** An action name: upper-case letters and underscores, such as {@code PAYMENT_APPROVED}. */
    public static final Pattern ACTION = Pattern.compile("[A-Z][A-Z_]{0,39}");
    /** Longest before/after state kept, in characters. */
    public static final int MAX_STATE = 500;
    /** Longest search text, in characters. */
    public static final int MAX_QUERY = 200;

    private final JdbcClient jdbc;
    private final Clock clock;

    AdminAuditLog(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Appends one audit row without before/after states, stamped with the clock's time.
     *
     * @see #record(long, String, Long, Long, String, String, String)
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void record(long adminId, String action, Long targetUserId, Long amountCredits, String reason) {
        record(adminId, action, targetUserId, amountCredits, reason, null, null);
    }

    /**
     * Appends one audit row, stamped with the clock's time.
     *
     * @param action such as {@code PAYMENT_APPROVED} (see {@link #ACTION})
     * @param targetUserId the user the action is about, or null
     * @param amountCredits the credits it moved (+ added, − removed), or null
     * @param reason why, not blank, at most {@value CreditAdjustments#MAX_REASON} characters
     * @param before the state before the action (such as {@code enabled}), or null; longer text is cut to {@value #MAX_STATE}
     * @param after the state after it, or null; cut like {@code before}
     * @throws IllegalArgumentException for a malformed action or a blank or over-long reason
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void record(long adminId, String action, Long targetUserId, Long amountCredits, String reason,
                       String before, String after) {
        if (!ACTION.matcher(action).matches()) {
            throw new IllegalArgumentException("Not an audit action: " + action);
        }
        if (reason == null || reason.isBlank() || reason.length() > CreditAdjustments.MAX_REASON) {
            throw new IllegalArgumentException("An audit row needs a reason of 1-" + CreditAdjustments.MAX_REASON
                    + " characters");
        }
        jdbc.sql("""
                INSERT INTO admin_audit (admin_id, action, target_user_id, amount_credits, reason, before_state,
                                         after_state, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(adminId, action, targetUserId, amountCredits, reason.strip(), cut(before), cut(after),
                        OffsetDateTime.now(clock))
                .update();
    }

    /**
     * One page of the log, newest first, with the number of rows that match.
     *
     * @param text matched case-insensitively inside the action, reason and states; blank: every row
     * @param userIds rows whose admin or target is one of these also match (the emails that
     *     match {@code text}, found by the caller in the account module); may be empty
     * @param page 0-based page number (negative counts as 0)
     * @param size rows per page, 1–200
     */
    @Transactional(readOnly = true)
    public AuditPage search(String text, Collection<Long> userIds, int page, int size) {
        String like = text == null || text.isBlank() ? null : "%" + escapeLike(cut(text.strip())) + "%";
        long[] ids = userIds.stream().mapToLong(Long::longValue).toArray();
        int limit = Math.clamp(size, 1, 200);
        long offset = (long) Math.max(page, 0) * limit;
        String where = """
                WHERE CAST(? AS text) IS NULL OR action ILIKE ? OR reason ILIKE ? OR before_state ILIKE ?
                   OR after_state ILIKE ? OR admin_id = ANY(?) OR target_user_id = ANY(?)""";
        Object[] params = {like, like, like, like, like, ids, ids};
        long total = jdbc.sql("SELECT count(*) FROM admin_audit " + where).params(params).query(Long.class).single();
        List<AuditEntry> rows = jdbc.sql("""
                SELECT id, admin_id, action, target_user_id, amount_credits, reason, before_state, after_state,
                       created_at
                FROM admin_audit
                """ + where + " ORDER BY id DESC LIMIT ? OFFSET ?")
                .params(like, like, like, like, like, ids, ids, limit, offset).query(AuditEntry.class).list();
        return new AuditPage(rows, total, Math.max(page, 0), limit);
    }

    /** The newest rows about one user (as the target), at most {@code limit} (1–200). */
    @Transactional(readOnly = true)
    public List<AuditEntry> about(long userId, int limit) {
        return jdbc.sql("""
                SELECT id, admin_id, action, target_user_id, amount_credits, reason, before_state, after_state,
                       created_at
                FROM admin_audit WHERE target_user_id = ? ORDER BY id DESC LIMIT ?""")
                .params(userId, Math.clamp(limit, 1, 200)).query(AuditEntry.class).list();
    }

    private static String cut(String text) {
        return text == null || text.length() <= MAX_STATE ? text : text.substring(0, MAX_STATE);
    }

    private static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /**
     * One audit row. Users are named by id: their emails belong to the account module.
     *
     * @param amountCredits the signed change of credits (+ added, − removed), or null
     * @param beforeState the state before the action, or null
     * @param afterState the state after it, or null
     */
    public record AuditEntry(long id, long adminId, String action, Long targetUserId, Long amountCredits,
                             String reason, String beforeState, String afterState, Instant createdAt) {
    }

    /**
     * A page of audit rows.
     *
     * @param total how many rows match in all
     * @param page the 0-based page number
     * @param size rows per page
     */
    public record AuditPage(List<AuditEntry> rows, long total, int page, int size) {

        /** Whether a later page has rows. */
        public boolean hasNext() {
            return (long) (page + 1) * size < total;
        }
    }
}
