package org.text2image.server.credits;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The rows behind {@link CreditLedger}'s commands except the lots ({@link LotRows}): the account
 * row ({@code credit_account}) with its lock and cached balance, holds ({@code credit_hold}),
 * debits ({@code credit_debit}) and the append-only {@code ledger_entry}. Every method runs in the
 * caller's transaction; the lock order is {@link CreditLedger}'s.
 */
@Component
class LedgerRows {

    /** A new ledger entry; {@code holdId}, {@code lotId} and {@code jobId} may be null. */
    record Entry(long userId, EntryKind kind, long amountCredits, Long holdId, Long lotId, UUID jobId,
                 String idempotencyKey, String reason) {
    }

    /** The account row, locked: its balance and whether any of the user's lots are past their expiry. */
    record LockedAccount(Balance balance, boolean lotsDue) {
    }

    /** A hold that has just been captured or released. */
    record SettledHold(long userId, long amountCredits) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final CreditMetrics metrics;

    LedgerRows(JdbcClient jdbc, Clock clock, CreditMetrics metrics) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.metrics = metrics;
    }

    void openAccount(long userId) {
        jdbc.sql("INSERT INTO credit_account (user_id, available_credits, held_credits) VALUES (?, 0, 0)")
                .params(userId).update();
    }

    /** Locks the account row. @throws UnknownAccountException when there is none */
    Balance lock(long userId) {
        return jdbc.sql("SELECT available_credits, held_credits FROM credit_account WHERE user_id = ? FOR UPDATE")
                .params(userId).query(Balance.class).optional()
                .orElseThrow(() -> new UnknownAccountException(userId));
    }

    /**
     * Locks the account row and says in the same statement whether lots are due to expire, so
     * the common case of a spend costs one statement. @throws UnknownAccountException when there is none
     */
    LockedAccount lockForSpending(long userId) {
        return jdbc.sql("""
                SELECT available_credits, held_credits,
                       EXISTS (SELECT 1 FROM credit_lot WHERE user_id = :user AND remaining_credits > 0
                               AND expires_at <= :now) AS lots_due
                FROM credit_account WHERE user_id = :user FOR UPDATE""")
                .param("user", userId).param("now", now())
                .query((rs, n) -> new LockedAccount(new Balance(rs.getLong(1), rs.getLong(2)), rs.getBoolean(3)))
                .optional().orElseThrow(() -> new UnknownAccountException(userId));
    }

    /** A GRANT entry: its user, amount and lot. */
    record Grant(long userId, long amountCredits, long lotId) {
    }

    /** The GRANT entry with this idempotency key. */
    Optional<Grant> grantOf(String idempotencyKey) {
        return jdbc.sql("""
                SELECT user_id, amount_credits, lot_id FROM ledger_entry
                WHERE idempotency_key = ? AND kind = 'GRANT' AND lot_id IS NOT NULL""")
                .params(idempotencyKey).query((rs, n) -> new Grant(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                .optional();
    }

    /** The amount of the entry with this idempotency key, or null when there is none. */
    Long amountOf(String idempotencyKey) {
        return jdbc.sql("SELECT amount_credits FROM ledger_entry WHERE idempotency_key = ?")
                .params(idempotencyKey).query(Long.class).optional().orElse(null);
    }

    /** Whether a ledger entry already has this key (a replayed command). */
    boolean keyUsed(String idempotencyKey) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM ledger_entry WHERE idempotency_key = ?)")
                .params(idempotencyKey).query(Boolean.class).single();
    }

    /**
     * Changes the cached balance (locking the row if the caller has not); the change, before and
     * after. Publishes nothing: the command publishes its whole change once, last.
     */
    BalanceChanged change(long userId, long availableDelta, long heldDelta) {
        Balance after = jdbc.sql("""
                UPDATE credit_account SET available_credits = available_credits + :available,
                    held_credits = held_credits + :held
                WHERE user_id = :user RETURNING available_credits, held_credits""")
                .param("available", availableDelta).param("held", heldDelta).param("user", userId)
                .query(Balance.class).single();
        Balance before = new Balance(after.availableCredits() - availableDelta, after.heldCredits() - heldDelta);
        return new BalanceChanged(userId, before, after);
    }

    /** Appends an entry with the balance after it (and counts it in {@link CreditMetrics} on commit). */
    void append(Entry entry, Balance after) {
        jdbc.sql("""
                INSERT INTO ledger_entry (user_id, kind, amount_credits, available_after, held_after,
                                          hold_id, lot_id, job_id, idempotency_key, reason, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(entry.userId(), entry.kind().name(), entry.amountCredits(), after.availableCredits(),
                        after.heldCredits(), entry.holdId(), entry.lotId(), entry.jobId(), entry.idempotencyKey(),
                        entry.reason(), now())
                .update();
        metrics.moved(entry.kind(), entry.amountCredits());
    }

    /** Inserts an open hold; returns its id. */
    long openHold(long userId, long amountCredits) {
        return jdbc.sql("""
                INSERT INTO credit_hold (user_id, amount_credits, status, created_at)
                VALUES (?, ?, 'OPEN', ?) RETURNING id""")
                .params(userId, amountCredits, now()).query(Long.class).single();
    }

    /**
     * Marks an open hold CAPTURED or RELEASED; the conditional update's row lock decides a capture
     * racing a release. @throws HoldAlreadyResolvedException when it is unknown or not open
     */
    SettledHold settleHold(long holdId, EntryKind resolution) {
        return jdbc.sql("""
                UPDATE credit_hold SET status = :status, resolved_at = :now
                WHERE id = :hold AND status = 'OPEN' RETURNING user_id, amount_credits""")
                .param("status", resolution == EntryKind.CAPTURE ? "CAPTURED" : "RELEASED")
                .param("now", now()).param("hold", holdId)
                .query((rs, n) -> new SettledHold(rs.getLong(1), rs.getLong(2))).optional()
                .orElseThrow(() -> new HoldAlreadyResolvedException(holdId));
    }

    /** Inserts a debit; returns its id. */
    long insertDebit(long userId, long amountCredits) {
        return jdbc.sql("INSERT INTO credit_debit (user_id, amount_credits, created_at) VALUES (?, ?, ?) RETURNING id")
                .params(userId, amountCredits, now()).query(Long.class).single();
    }

    OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
