package org.text2image.server.credits;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An admin's adjustment of a user's credits, with a mandatory reason and a one-time key: an
 * addition becomes a lot of source {@link LotSource#ADMIN} (optionally expiring), a removal a
 * {@link CreditLedger#debit}. The ledger entry (idempotency key {@code admin-adjust:{key}}) and the
 * {@code admin_audit} row are written in one transaction; a refused adjustment writes neither, and
 * a replayed key (a reloaded or resubmitted form, two clicks) writes nothing more.
 *
 * <p>{@code admin_audit} belongs to this module: its rows are credit adjustments, written with their
 * ledger entry under the user's account lock. It names users by id; their emails are the account
 * module's.
 */
@Service
public class CreditAdjustments {

    /** Largest adjustment, either way, in credits. */
    public static final long MAX_CREDITS = 1_000_000;
    /** Longest reason, in characters. */
    public static final int MAX_REASON = 500;
    /** Longest expiry of an added lot, in days. */
    public static final int MAX_EXPIRY_DAYS = 3650;
    /** A form's one-time key: 1–64 letters, digits, {@code -} or {@code _} (a form carries a UUID). */
    public static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private static final Logger log = LoggerFactory.getLogger(CreditAdjustments.class);

    private final CreditLedger ledger;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;

    CreditAdjustments(CreditLedger ledger, JdbcClient jdbc, TransactionTemplate tx, Clock clock) {
        this.ledger = ledger;
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * Adds ({@code amount > 0}) or removes ({@code amount < 0}) credits, once per key.
     *
     * @param adminId the admin doing it (recorded in the audit log)
     * @param expiresInDays for an addition: days until the added lot expires, or null for never
     * @param key the form's one-time key (see {@link #KEY})
     * @return true when the adjustment was applied, false when this key had already been used (the
     *     books and the audit log are left as they were)
     * @throws InvalidAdjustmentException for a missing or malformed key, a blank or over-long reason or one
     *     with control characters,
     *     an amount of 0 or beyond ±{@value #MAX_CREDITS}, an expiry outside 1–{@value #MAX_EXPIRY_DAYS}
     *     days or on a removal, a user without an account, or a removal larger than the available balance
     */
    public boolean adjust(long adminId, long userId, long amount, String reason, Integer expiresInDays, String key) {
        String why = reason == null ? "" : reason.strip();
        validate(amount, why, expiresInDays, key);
        try {
            return Boolean.TRUE.equals(tx.execute(status -> apply(adminId, userId, amount, why, expiresInDays, key)));
        } catch (DuplicateKeyException e) { // the same key, sent at the same moment for another user, won
            log.warn("Admin {} sent adjustment {} for user {} while it was being applied: nothing changed",
                    adminId, key, userId);
            return false;
        } catch (UnknownAccountException e) {
            throw new InvalidAdjustmentException(Map.of("user", "There is no such user (or it has no credit account)."));
        } catch (InsufficientCreditsException e) {
            throw new InvalidAdjustmentException(Map.of("amount", "The user has only "
                    + Credits.format(e.availableCredits()) + " available; an adjustment cannot make a balance negative."));
        }
    }

    /**
     * The newest audit rows, at most {@code limit} (1–500). They name users by id: the emails
     * belong to the account module, which the caller asks.
     */
    @Transactional(readOnly = true)
    public List<AuditRow> audit(int limit) {
        return jdbc.sql("""
                SELECT id, admin_id, action, target_user_id, amount_credits, reason, created_at
                FROM admin_audit ORDER BY id DESC LIMIT ?""")
                .params(Math.clamp(limit, 1, 500)).query(AuditRow.class).list();
    }

    private static void validate(long amount, String why, Integer expiresInDays, String key) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (key == null || !KEY.matcher(key).matches()) {
            errors.put("key", "This form has no valid one-time key: reload the page and try again.");
        }
        if (why.isEmpty()) {
            errors.put("reason", "A reason is required: it goes into the user's credit history and the audit log.");
        } else if (why.length() > MAX_REASON) {
            errors.put("reason", "The reason may be at most " + MAX_REASON + " characters.");
        } else if (why.chars().anyMatch(Character::isISOControl)) {
            errors.put("reason", "The reason may not contain control characters (such as line breaks).");
        }
        if (amount == 0) {
            errors.put("amount", "The amount must not be 0: positive adds credits, negative removes them.");
        } else if (Math.abs(amount) > MAX_CREDITS) {
            errors.put("amount", "The amount must be between −" + MAX_CREDITS + " and " + MAX_CREDITS + ".");
        }
        if (expiresInDays != null && (amount < 0 || expiresInDays < 1 || expiresInDays > MAX_EXPIRY_DAYS)) {
            errors.put("expiresInDays", amount < 0 ? "Only added credits can expire."
                    : "Expiry must be between 1 and " + MAX_EXPIRY_DAYS + " days, or empty for never.");
        }
        if (!errors.isEmpty()) {
            throw new InvalidAdjustmentException(errors);
        }
    }

    /** The ledger command and, when it applied, the audit row: in the caller's transaction. */
    private boolean apply(long adminId, long userId, long amount, String why, Integer expiresInDays, String key) {
        String ledgerKey = "admin-adjust:" + key;
        boolean applied;
        if (amount > 0) {
            Instant expiresAt = expiresInDays == null ? null : clock.instant().plus(Duration.ofDays(expiresInDays));
            applied = ledger.grant(userId, amount, LotSource.ADMIN, expiresAt, ledgerKey, "Admin adjustment: " + why);
        } else {
            applied = ledger.debit(userId, -amount, ledgerKey, "Admin adjustment: " + why);
        }
        if (!applied) {
            log.warn("Admin {} replayed adjustment {} for user {}: already applied, nothing changed", adminId, key, userId);
            return false;
        }
        jdbc.sql("""
                INSERT INTO admin_audit (admin_id, action, target_user_id, amount_credits, reason, created_at)
                VALUES (?, ?, ?, ?, ?, ?)""")
                .params(adminId, amount > 0 ? "CREDITS_ADDED" : "CREDITS_REMOVED", userId, amount, why,
                        OffsetDateTime.now(clock))
                .update();
        log.info("Admin {} adjusted user {} by {}: {}", adminId, userId, Credits.format(amount), why);
        return true;
    }

    /**
     * One {@code admin_audit} row.
     *
     * @param action {@code CREDITS_ADDED} or {@code CREDITS_REMOVED}
     * @param targetUserId the user whose credits changed (null for an action about no user)
     * @param amountCredits the signed change: + added, − removed
     */
    public record AuditRow(long id, long adminId, String action, Long targetUserId, Long amountCredits, String reason,
                           Instant createdAt) {
    }
}
