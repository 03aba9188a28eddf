package org.text2image.server.credits;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * An admin's adjustment of a user's credits, with a mandatory reason: an addition becomes a lot of
 * source {@link LotSource#ADMIN} (optionally expiring), a removal a {@link CreditLedger#debit}. The
 * ledger entry and the {@code admin_audit} row are written in one transaction; a refused
 * adjustment writes neither.
 */
@Service
public class CreditAdjustments {

    /** Largest adjustment, either way, in credits. */
    public static final long MAX_CREDITS = 1_000_000;
    /** Longest reason, in characters. */
    public static final int MAX_REASON = 500;
    /** Longest expiry of an added lot, in days. */
    public static final int MAX_EXPIRY_DAYS = 3650;

    private static final Logger log = LoggerFactory.getLogger(CreditAdjustments.class);

    private final CreditLedger ledger;
    private final JdbcClient jdbc;
    private final Clock clock;

    CreditAdjustments(CreditLedger ledger, JdbcClient jdbc, Clock clock) {
        this.ledger = ledger;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Adds ({@code amount > 0}) or removes ({@code amount < 0}) credits.
     *
     * @param adminId the admin doing it (recorded in the audit log)
     * @param expiresInDays for an addition: days until the added lot expires, or null for never
     * @throws InvalidAdjustmentException for a blank or over-long reason, an amount of 0 or beyond
     *     ±{@value #MAX_CREDITS}, an expiry outside 1–{@value #MAX_EXPIRY_DAYS} days or on a removal,
     *     a user without an account, or a removal larger than the available balance
     */
    @Transactional
    public void adjust(long adminId, long userId, long amount, String reason, Integer expiresInDays) {
        Map<String, String> errors = new LinkedHashMap<>();
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty()) {
            errors.put("reason", "A reason is required: it goes into the user's credit history and the audit log.");
        } else if (why.length() > MAX_REASON) {
            errors.put("reason", "The reason may be at most " + MAX_REASON + " characters.");
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
        String key = "admin:" + UUID.randomUUID();
        try {
            if (amount > 0) {
                Instant expiresAt = expiresInDays == null ? null : clock.instant().plus(Duration.ofDays(expiresInDays));
                ledger.grant(userId, amount, LotSource.ADMIN, expiresAt, key, "Admin adjustment: " + why);
            } else {
                ledger.debit(userId, -amount, key, "Admin adjustment: " + why);
            }
        } catch (UnknownAccountException e) {
            throw new InvalidAdjustmentException(Map.of("user", "There is no such user (or it has no credit account)."));
        } catch (InsufficientCreditsException e) {
            throw new InvalidAdjustmentException(Map.of("amount", "The user has only " + e.availableCredits()
                    + " credits available; an adjustment cannot make a balance negative."));
        }
        jdbc.sql("""
                INSERT INTO admin_audit (admin_id, action, target_user_id, amount_credits, reason, created_at)
                VALUES (?, ?, ?, ?, ?, ?)""")
                .params(adminId, amount > 0 ? "CREDITS_ADDED" : "CREDITS_REMOVED", userId, amount, why,
                        OffsetDateTime.now(clock))
                .update();
        log.info("Admin {} adjusted user {} by {} credits: {}", adminId, userId, amount, why);
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
