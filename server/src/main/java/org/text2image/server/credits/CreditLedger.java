package org.text2image.server.credits;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The credits ledger: the only code that moves credits. Every movement is an append-only
 * {@code ledger_entry} row with a unique idempotency key, and the cached balance in
 * {@code credit_account} changes in the same statement group.
 *
 * <p>Rules, each enforced in SQL (see V1 migration), not only here:
 * <ul>
 *   <li>available and held credits are never negative (CHECK constraints, conditional UPDATE);</li>
 *   <li>a hold resolves at most once (conditional UPDATE on {@code credit_hold.status} and a
 *       unique index on the resolving entry);</li>
 *   <li>a capture is exactly the held amount, read from the hold row.</li>
 * </ul>
 * Every method locks the user's account row first, so one user's movements are serialised while
 * different users never contend.
 */
@Service
public class CreditLedger {

    private final JdbcClient jdbc;
    private final Clock clock;

    CreditLedger(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Opens a user's account with its signup grant (key {@code signup:{userId}}).
     *
     * @param signupCredits credits granted at signup, ≥ 0 (0 opens an empty account)
     */
    @Transactional
    public void openAccount(long userId, long signupCredits) {
        jdbc.sql("INSERT INTO credit_account (user_id, available_credits, held_credits) VALUES (?, 0, 0)")
                .params(userId).update();
        if (signupCredits > 0) {
            grant(userId, signupCredits, "signup:" + userId, "Free credits for signing up");
        }
    }

    /**
     * Adds credits to a user's available balance, once per idempotency key.
     *
     * @param amountCredits credits to add, > 0
     * @param idempotencyKey e.g. {@code signup:42}, {@code upi:<UTR>}; a replay is a no-op
     * @return true when the grant was applied, false when the key had already been used
     * @throws IllegalArgumentException for a non-positive amount
     * @throws UnknownAccountException when the user has no account
     */
    @Transactional
    public boolean grant(long userId, long amountCredits, String idempotencyKey, String reason) {
        if (amountCredits <= 0) {
            throw new IllegalArgumentException("A grant must be positive, was " + amountCredits);
        }
        lockAccount(userId);
        if (keyUsed(idempotencyKey)) {
            return false;
        }
        Balance after = jdbc.sql("""
                UPDATE credit_account SET available_credits = available_credits + :amount
                WHERE user_id = :user RETURNING available_credits, held_credits""")
                .param("amount", amountCredits).param("user", userId)
                .query(Balance.class).single();
        append(userId, EntryKind.GRANT, amountCredits, after, null, null, idempotencyKey, reason);
        return true;
    }

    /**
     * Reserves credits for a job. Must run inside the caller's transaction, the one that inserts
     * the job, so a job never exists without its hold and a hold never without its job.
     *
     * @param amountCredits the job's price, > 0
     * @return the hold id, to {@link #capture} or {@link #release} later
     * @throws InsufficientCreditsException when available credits are fewer than the amount
     *     (nothing is written)
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public long hold(long userId, long amountCredits, UUID jobId) {
        if (amountCredits <= 0) {
            throw new IllegalArgumentException("A hold must be positive, was " + amountCredits);
        }
        Balance before = lockAccount(userId);
        List<Balance> after = jdbc.sql("""
                UPDATE credit_account
                SET available_credits = available_credits - :amount, held_credits = held_credits + :amount
                WHERE user_id = :user AND available_credits >= :amount
                RETURNING available_credits, held_credits""")
                .param("amount", amountCredits).param("user", userId)
                .query(Balance.class).list();
        if (after.isEmpty()) {
            throw new InsufficientCreditsException(amountCredits, before.availableCredits());
        }
        long holdId = jdbc.sql("""
                INSERT INTO credit_hold (user_id, amount_credits, status, created_at)
                VALUES (?, ?, 'OPEN', ?) RETURNING id""")
                .params(userId, amountCredits, now()).query(Long.class).single();
        append(userId, EntryKind.HOLD, amountCredits, after.getFirst(), holdId, jobId,
                "hold:job:" + jobId, "Reserved for a generation");
        return holdId;
    }

    /**
     * Charges a hold: the held credits are consumed. Runs inside the caller's transaction (the one
     * that marks the job succeeded).
     *
     * @throws HoldAlreadyResolvedException when the hold was already captured or released
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void capture(long holdId, UUID jobId) {
        resolve(holdId, jobId, EntryKind.CAPTURE, "Charged for a generation");
    }

    /**
     * Voids a hold: the held credits return to the available balance. Runs inside the caller's
     * transaction (the one that fails or cancels the job).
     *
     * @throws HoldAlreadyResolvedException when the hold was already captured or released
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void release(long holdId, UUID jobId, String reason) {
        resolve(holdId, jobId, EntryKind.RELEASE, reason);
    }

    /** The user's cached balance. @throws UnknownAccountException when there is no account */
    @Transactional(readOnly = true)
    public Balance balance(long userId) {
        return jdbc.sql("SELECT available_credits, held_credits FROM credit_account WHERE user_id = ?")
                .params(userId).query(Balance.class).optional()
                .orElseThrow(() -> new UnknownAccountException(userId));
    }

    /** The user's newest ledger entries first, at most {@code limit} (1–500). */
    @Transactional(readOnly = true)
    public List<LedgerEntry> entries(long userId, int limit) {
        return jdbc.sql("""
                SELECT id, kind, amount_credits, available_after, held_after, job_id, reason, created_at
                FROM ledger_entry WHERE user_id = ? ORDER BY id DESC LIMIT ?""")
                .params(userId, Math.clamp(limit, 1, 500)).query(LedgerEntry.class).list();
    }

    private void resolve(long holdId, UUID jobId, EntryKind kind, String reason) {
        Long userId = jdbc.sql("SELECT user_id FROM credit_hold WHERE id = ?").params(holdId)
                .query(Long.class).optional().orElseThrow(() -> new HoldAlreadyResolvedException(holdId));
        lockAccount(userId);
        String status = kind == EntryKind.CAPTURE ? "CAPTURED" : "RELEASED";
        List<Long> amount = jdbc.sql("""
                UPDATE credit_hold SET status = :status, resolved_at = :now
                WHERE id = :hold AND status = 'OPEN' RETURNING amount_credits""")
                .param("status", status).param("now", now()).param("hold", holdId)
                .query(Long.class).list();
        if (amount.isEmpty()) {
            throw new HoldAlreadyResolvedException(holdId);
        }
        String availableChange = kind == EntryKind.RELEASE ? "available_credits + :amount" : "available_credits";
        Balance after = jdbc.sql("UPDATE credit_account SET available_credits = " + availableChange
                        + ", held_credits = held_credits - :amount WHERE user_id = :user"
                        + " RETURNING available_credits, held_credits")
                .param("amount", amount.getFirst()).param("user", userId)
                .query(Balance.class).single();
        append(userId, kind, amount.getFirst(), after, holdId, jobId,
                kind.name().toLowerCase() + ":hold:" + holdId, reason);
    }

    private Balance lockAccount(long userId) {
        return jdbc.sql("SELECT available_credits, held_credits FROM credit_account WHERE user_id = ? FOR UPDATE")
                .params(userId).query(Balance.class).optional()
                .orElseThrow(() -> new UnknownAccountException(userId));
    }

    private boolean keyUsed(String idempotencyKey) {
        return jdbc.sql("SELECT count(*) FROM ledger_entry WHERE idempotency_key = ?")
                .params(idempotencyKey).query(Long.class).single() > 0;
    }

    private void append(long userId, EntryKind kind, long amount, Balance after, Long holdId, UUID jobId,
                        String idempotencyKey, String reason) {
        jdbc.sql("""
                INSERT INTO ledger_entry (user_id, kind, amount_credits, available_after, held_after,
                                          hold_id, job_id, idempotency_key, reason, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(userId, kind.name(), amount, after.availableCredits(), after.heldCredits(),
                        holdId, jobId, idempotencyKey, reason, now())
                .update();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
