package org.text2image.server.credits;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The credits ledger: the only code that moves credits. Every movement is an append-only
 * {@code ledger_entry} row with a unique idempotency key, and the cached balance in
 * {@code credit_account} changes in the same transaction.
 *
 * <p>Credits come in <b>lots</b> ({@code credit_lot}): every grant is one, with an optional
 * expiry. A hold takes its credits from the user's lots, the one that expires soonest first and
 * never-expiring lots last ({@code credit_hold_lot} records how much from which); a capture
 * consumes them; a release returns them to their lots. What is left of a lot when it expires is
 * moved out by an {@code EXPIRE} entry ({@link #expireDue}, run before every hold and release and
 * by the scheduled {@code CreditExpiry} task). A hold taken from a lot that later expires stays
 * capturable: its credits left the lot when it was placed.
 *
 * <p>Rules, each enforced in SQL (migrations V1 and V6), not only here:
 * <ul>
 *   <li>available and held credits, and every lot's remainder, are never negative (CHECK
 *       constraints, conditional UPDATEs);</li>
 *   <li>a hold resolves at most once (conditional UPDATE on {@code credit_hold.status} and a
 *       unique index on the resolving entry);</li>
 *   <li>a capture is exactly the held amount, read from the hold row.</li>
 * </ul>
 * Every movement locks the user's account row before it reads or changes the user's balance or
 * lots, so one user's movements are serialised while different users never contend; locks are
 * always taken in the order job, hold, account, lots. To keep the hot row's lock short, a hold
 * writes its new hold row before it takes the lock, and a capture or release settles the hold row
 * before. {@link LedgerInvariants} checks the books.
 */
@Service
public class CreditLedger {

    private final JdbcClient jdbc;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    CreditLedger(JdbcClient jdbc, Clock clock, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.events = events;
    }

    /**
     * Opens a user's account with its signup grant (key {@code signup:{userId}}, never expiring).
     *
     * @param signupCredits credits granted at signup, ≥ 0 (0 opens an empty account)
     */
    @Transactional
    public void openAccount(long userId, long signupCredits) {
        jdbc.sql("INSERT INTO credit_account (user_id, available_credits, held_credits) VALUES (?, 0, 0)")
                .params(userId).update();
        if (signupCredits > 0) {
            grant(userId, signupCredits, LotSource.SIGNUP, null, "signup:" + userId, "Free credits for signing up");
        }
    }

    /** A never-expiring grant of source {@link LotSource#GRANT}; see {@link #grant(long, long, LotSource, Instant, String, String)}. */
    @Transactional
    public boolean grant(long userId, long amountCredits, String idempotencyKey, String reason) {
        return grant(userId, amountCredits, LotSource.GRANT, null, idempotencyKey, reason);
    }

    /**
     * Adds a lot of credits to a user's available balance, once per idempotency key.
     *
     * @param amountCredits credits to add, > 0
     * @param expiresAt when what is left of the lot expires; null: never
     * @param idempotencyKey e.g. {@code signup:42}, {@code upi:<UTR>}; a replay is a no-op
     * @return true when the grant was applied, false when the key had already been used
     * @throws IllegalArgumentException for a non-positive amount
     * @throws UnknownAccountException when the user has no account
     */
    @Transactional
    public boolean grant(long userId, long amountCredits, LotSource source, Instant expiresAt, String idempotencyKey,
                         String reason) {
        if (amountCredits <= 0) {
            throw new IllegalArgumentException("A grant must be positive, was " + amountCredits);
        }
        lockAccount(userId);
        if (keyUsed(idempotencyKey)) {
            return false;
        }
        long lotId = jdbc.sql("""
                INSERT INTO credit_lot (user_id, source, granted_credits, remaining_credits, expires_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?) RETURNING id""")
                .params(userId, source.name(), amountCredits, amountCredits, timestamp(expiresAt), now())
                .query(Long.class).single();
        Balance after = changeAccount(userId, amountCredits, 0);
        append(userId, EntryKind.GRANT, amountCredits, after, null, lotId, null, idempotencyKey, reason);
        expireDueLocked(userId); // a lot granted already past its expiry
        return true;
    }

    /**
     * Moves out what is left of the user's lots whose expiry has passed: one EXPIRE entry per lot.
     * Takes the account lock, so it serialises with the user's holds and releases.
     *
     * @return credits expired now (0 when nothing was due)
     * @throws UnknownAccountException when the user has no account
     */
    @Transactional
    public long expireDue(long userId) {
        lockAccount(userId);
        return expireDueLocked(userId);
    }

    /**
     * Reserves credits for a job, taken from the user's lots (soonest expiring first; lots past
     * their expiry are expired first). Must run inside the caller's transaction, the one that
     * inserts the job, so a job never exists without its hold and a hold never without its job.
     *
     * @param amountCredits the job's price, > 0
     * @return the hold id, to {@link #capture} or {@link #release} later
     * @throws InsufficientCreditsException when the unexpired available credits are fewer than the
     *     amount (the caller's transaction then rolls back: nothing is written)
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public long hold(long userId, long amountCredits, UUID jobId) {
        if (amountCredits <= 0) {
            throw new IllegalArgumentException("A hold must be positive, was " + amountCredits);
        }
        // The new hold row first: it contends with nothing, so the account lock is held for less.
        long holdId = jdbc.sql("""
                INSERT INTO credit_hold (user_id, amount_credits, status, created_at)
                VALUES (?, ?, 'OPEN', ?) RETURNING id""")
                .params(userId, amountCredits, now()).query(Long.class).single();
        requireSpendable(userId, amountCredits);
        takeFromLots(userId, "credit_hold_lot", "hold_id", holdId, amountCredits);
        Balance after = changeAccount(userId, -amountCredits, amountCredits);
        append(userId, EntryKind.HOLD, amountCredits, after, holdId, null, jobId, "hold:job:" + jobId,
                "Reserved for a generation");
        return holdId;
    }

    /**
     * Charges a hold: the held credits are consumed. Runs inside the caller's transaction (the one
     * that marks the job succeeded). Works even when the lots the hold took from have expired since.
     *
     * @throws HoldAlreadyResolvedException when the hold was already captured or released
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void capture(long holdId, UUID jobId) {
        resolve(holdId, jobId, EntryKind.CAPTURE, "Charged for a generation");
    }

    /**
     * Voids a hold: the held credits return to the lots they came from and to the available
     * balance (credits returning to a lot that expired meanwhile then expire). Runs inside the
     * caller's transaction (the one that fails or cancels the job).
     *
     * @throws HoldAlreadyResolvedException when the hold was already captured or released
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void release(long holdId, UUID jobId, String reason) {
        long userId = resolve(holdId, jobId, EntryKind.RELEASE, reason);
        jdbc.sql("""
                UPDATE credit_lot l SET remaining_credits = l.remaining_credits + hl.amount_credits
                FROM credit_hold_lot hl WHERE hl.hold_id = ? AND l.id = hl.lot_id""")
                .params(holdId).update();
        expireDueLocked(userId);
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
        return entries(userId, 0, limit);
    }

    /** The user's ledger entries, newest first, skipping {@code offset} (≥ 0), at most {@code limit} (1–500). */
    @Transactional(readOnly = true)
    public List<LedgerEntry> entries(long userId, int offset, int limit) {
        return jdbc.sql("""
                SELECT e.id, e.kind, e.amount_credits, e.available_after, e.held_after, e.job_id, e.reason, e.created_at,
                       CASE WHEN e.kind = 'GRANT' THEN l.expires_at END AS lot_expires_at
                FROM ledger_entry e LEFT JOIN credit_lot l ON l.id = e.lot_id
                WHERE e.user_id = ? ORDER BY e.id DESC OFFSET ? LIMIT ?""")
                .params(userId, Math.max(0, offset), Math.clamp(limit, 1, 500)).query(LedgerEntry.class).list();
    }

    /** How many ledger entries the user has. */
    @Transactional(readOnly = true)
    public long entryCount(long userId) {
        return jdbc.sql("SELECT count(*) FROM ledger_entry WHERE user_id = ?").params(userId).query(Long.class).single();
    }

    /**
     * The user's credit movements since {@code since}: added (grants), charged (captures),
     * expired and removed (debits), in credits.
     */
    @Transactional(readOnly = true)
    public CreditTotals totals(long userId, Instant since) {
        return jdbc.sql("""
                SELECT coalesce(sum(amount_credits) FILTER (WHERE kind = 'GRANT'), 0) AS added,
                       coalesce(sum(amount_credits) FILTER (WHERE kind = 'CAPTURE'), 0) AS charged,
                       coalesce(sum(amount_credits) FILTER (WHERE kind = 'EXPIRE'), 0) AS expired,
                       coalesce(sum(amount_credits) FILTER (WHERE kind = 'DEBIT'), 0) AS removed
                FROM ledger_entry WHERE user_id = ? AND created_at >= ?""")
                .params(userId, timestamp(since)).query(CreditTotals.class).single();
    }

    /**
     * What a job cost: held, then charged or released. Empty when the ledger has no hold for it.
     */
    @Transactional(readOnly = true)
    public java.util.Optional<JobReceipt> receipt(UUID jobId) {
        return jdbc.sql("""
                SELECT coalesce(sum(amount_credits) FILTER (WHERE kind = 'HOLD'), 0) AS held,
                       coalesce(sum(amount_credits) FILTER (WHERE kind = 'CAPTURE'), 0) AS charged,
                       coalesce(sum(amount_credits) FILTER (WHERE kind = 'RELEASE'), 0) AS released,
                       max(reason) FILTER (WHERE kind = 'RELEASE') AS release_reason
                FROM ledger_entry WHERE job_id = ?""")
                .params(jobId).query(JobReceipt.class).optional().filter(receipt -> receipt.held() > 0);
    }

    /** The user's lots that still hold credits, in spending order (soonest expiring first). */
    @Transactional(readOnly = true)
    public List<CreditLot> lots(long userId) {
        return jdbc.sql("""
                SELECT id, source, granted_credits, remaining_credits, expired_credits, expires_at, created_at
                FROM credit_lot WHERE user_id = ? AND remaining_credits > 0
                ORDER BY expires_at NULLS LAST, id""")
                .params(userId).query(CreditLot.class).list();
    }

    /**
     * Takes credits from the user's lots for good (an admin's removal): soonest expiring first,
     * one DEBIT entry. Runs in the caller's transaction.
     *
     * @param amountCredits credits to take, > 0
     * @return the debit id
     * @throws InsufficientCreditsException when the unexpired available credits are fewer
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public long debit(long userId, long amountCredits, String idempotencyKey, String reason) {
        if (amountCredits <= 0) {
            throw new IllegalArgumentException("A debit must be positive, was " + amountCredits);
        }
        requireSpendable(userId, amountCredits);
        long debitId = jdbc.sql("INSERT INTO credit_debit (user_id, amount_credits, created_at) VALUES (?, ?, ?) RETURNING id")
                .params(userId, amountCredits, now()).query(Long.class).single();
        takeFromLots(userId, "credit_debit_lot", "debit_id", debitId, amountCredits);
        Balance after = changeAccount(userId, -amountCredits, 0);
        append(userId, EntryKind.DEBIT, amountCredits, after, null, null, null, idempotencyKey, reason);
        return debitId;
    }

    /**
     * Locks the account, expires due lots (the lock query also says whether any are due, so the
     * common case costs one statement), and checks that {@code amount} is available.
     */
    private void requireSpendable(long userId, long amount) {
        List<Object[]> locked = jdbc.sql("""
                SELECT available_credits, EXISTS (SELECT 1 FROM credit_lot WHERE user_id = :user AND remaining_credits > 0
                                                  AND expires_at <= :now)
                FROM credit_account WHERE user_id = :user FOR UPDATE""")
                .param("user", userId).param("now", now())
                .query((rs, n) -> new Object[] {rs.getLong(1), rs.getBoolean(2)}).list();
        if (locked.isEmpty()) {
            throw new UnknownAccountException(userId);
        }
        long available = (long) locked.getFirst()[0];
        if ((boolean) locked.getFirst()[1] && expireDueLocked(userId) > 0) {
            available = balance(userId).availableCredits();
        }
        if (available < amount) {
            throw new InsufficientCreditsException(amount, available);
        }
    }

    /**
     * Takes {@code amount} from the user's unexpired lots, soonest expiring first, recording the
     * portions in {@code table} under {@code ownerColumn = ownerId} (caller holds the lock).
     */
    private void takeFromLots(long userId, String table, String ownerColumn, long ownerId, long amount) {
        // One statement: each lot gives min(its remainder, what is still needed after the lots before it).
        long taken = jdbc.sql("""
                WITH ordered AS (
                    SELECT id, remaining_credits,
                           sum(remaining_credits) OVER (ORDER BY expires_at NULLS LAST, id) - remaining_credits AS before
                    FROM credit_lot
                    WHERE user_id = :user AND remaining_credits > 0 AND (expires_at IS NULL OR expires_at > :now)
                ), taken AS (
                    SELECT id, least(remaining_credits, :amount - before) AS amount FROM ordered WHERE before < :amount
                ), lots AS (
                    UPDATE credit_lot l SET remaining_credits = l.remaining_credits - taken.amount
                    FROM taken WHERE l.id = taken.id RETURNING l.id, taken.amount
                )
                INSERT INTO %s (%s, lot_id, amount_credits) SELECT :owner, id, amount FROM lots
                RETURNING amount_credits""".formatted(table, ownerColumn))
                .param("user", userId).param("now", now()).param("amount", amount).param("owner", ownerId)
                .query(Long.class).list().stream().mapToLong(Long::longValue).sum();
        if (taken != amount) {
            throw new IllegalStateException("Lots of user " + userId + " gave " + taken + " of " + amount
                    + " credits though the cached balance covered it: the books disagree");
        }
    }

    /** Expires the user's due lots (caller holds the account lock); returns the credits expired. */
    private long expireDueLocked(long userId) {
        List<long[]> expired = jdbc.sql("""
                WITH due AS (
                    SELECT id, remaining_credits FROM credit_lot
                    WHERE user_id = :user AND remaining_credits > 0 AND expires_at <= :now ORDER BY id FOR UPDATE
                )
                UPDATE credit_lot l SET expired_credits = l.expired_credits + due.remaining_credits, remaining_credits = 0
                FROM due WHERE l.id = due.id
                RETURNING l.id, due.remaining_credits, l.expired_credits""")
                .param("user", userId).param("now", now())
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)}).list();
        long total = 0;
        for (long[] lot : expired) {
            Balance after = changeAccount(userId, -lot[1], 0);
            append(userId, EntryKind.EXPIRE, lot[1], after, null, lot[0], null,
                    "expire:lot:" + lot[0] + ":" + lot[2], "Credits expired");
            total += lot[1];
        }
        return total;
    }

    /**
     * Resolves an open hold; returns its user. The hold row is settled first (its row lock decides
     * a capture racing a release), then the account row is locked by its update: the hot account
     * row is held only for the last statements of the transaction.
     */
    private long resolve(long holdId, UUID jobId, EntryKind kind, String reason) {
        String status = kind == EntryKind.CAPTURE ? "CAPTURED" : "RELEASED";
        List<long[]> resolved = jdbc.sql("""
                UPDATE credit_hold SET status = :status, resolved_at = :now
                WHERE id = :hold AND status = 'OPEN' RETURNING user_id, amount_credits""")
                .param("status", status).param("now", now()).param("hold", holdId)
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)}).list();
        if (resolved.isEmpty()) {
            throw new HoldAlreadyResolvedException(holdId);
        }
        long userId = resolved.getFirst()[0];
        long credits = resolved.getFirst()[1];
        Balance after = changeAccount(userId, kind == EntryKind.RELEASE ? credits : 0, -credits);
        append(userId, kind, credits, after, holdId, null, jobId, kind.name().toLowerCase() + ":hold:" + holdId, reason);
        return userId;
    }

    /** Changes the cached balance and publishes {@link BalanceChanged}. */
    private Balance changeAccount(long userId, long availableDelta, long heldDelta) {
        Balance after = jdbc.sql("""
                UPDATE credit_account SET available_credits = available_credits + :available,
                    held_credits = held_credits + :held
                WHERE user_id = :user RETURNING available_credits, held_credits""")
                .param("available", availableDelta).param("held", heldDelta).param("user", userId)
                .query(Balance.class).single();
        Balance before = new Balance(after.availableCredits() - availableDelta, after.heldCredits() - heldDelta);
        events.publishEvent(new BalanceChanged(userId, before, after));
        return after;
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

    private void append(long userId, EntryKind kind, long amount, Balance after, Long holdId, Long lotId, UUID jobId,
                        String idempotencyKey, String reason) {
        jdbc.sql("""
                INSERT INTO ledger_entry (user_id, kind, amount_credits, available_after, held_after,
                                          hold_id, lot_id, job_id, idempotency_key, reason, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(userId, kind.name(), amount, after.availableCredits(), after.heldCredits(),
                        holdId, lotId, jobId, idempotencyKey, reason, now())
                .update();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
