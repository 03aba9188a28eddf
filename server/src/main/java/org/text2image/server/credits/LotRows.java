package org.text2image.server.credits;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The lots behind {@link CreditLedger}'s commands: {@code credit_lot} and the portions holds and
 * debits took from them ({@code credit_hold_lot}, {@code credit_debit_lot}). Every method runs in
 * the caller's transaction, which holds the user's account lock.
 */
@Component
class LotRows {

    /** Where the portions a spend takes from lots are recorded. */
    enum Portions {
        HOLD("credit_hold_lot", "hold_id"),
        DEBIT("credit_debit_lot", "debit_id");

        private final String table;
        private final String ownerColumn;

        Portions(String table, String ownerColumn) {
            this.table = table;
            this.ownerColumn = ownerColumn;
        }
    }

    /** What was left of one lot when it expired, and how much of the lot has expired in all. */
    private record ExpiredLot(long lotId, long amountCredits, long expiredSoFar) {
    }

    private final JdbcClient jdbc;
    private final LedgerRows rows;

    LotRows(JdbcClient jdbc, LedgerRows rows) {
        this.jdbc = jdbc;
        this.rows = rows;
    }

    /** Inserts a lot; returns its id. @param expiresAt null: never */
    long add(long userId, LotSource source, long amountCredits, Instant expiresAt) {
        return jdbc.sql("""
                INSERT INTO credit_lot (user_id, source, granted_credits, remaining_credits, expires_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?) RETURNING id""")
                .params(userId, source.name(), amountCredits, amountCredits,
                        expiresAt == null ? null : OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC), rows.now())
                .query(Long.class).single();
    }

    /**
     * Takes {@code amount} from the user's unexpired lots, soonest expiring first, recording the
     * portions under {@code ownerId}.
     *
     * @throws IllegalStateException when the lots hold less than the cached balance said
     */
    void take(long userId, Portions portions, long ownerId, long amount) {
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
                RETURNING amount_credits""".formatted(portions.table, portions.ownerColumn))
                .param("user", userId).param("now", rows.now()).param("amount", amount).param("owner", ownerId)
                .query(Long.class).list().stream().mapToLong(Long::longValue).sum();
        if (taken != amount) {
            throw new IllegalStateException("Lots of user " + userId + " gave " + taken + " of " + amount
                    + " credits though the cached balance covered it: the books disagree");
        }
    }

    /** What is left of a lot (locking it). */
    long remaining(long lotId) {
        return jdbc.sql("SELECT remaining_credits FROM credit_lot WHERE id = ? FOR UPDATE")
                .params(lotId).query(Long.class).single();
    }

    /**
     * Takes {@code amount} from one lot for a debit, recording the portion.
     *
     * @throws IllegalStateException when the lot holds less
     */
    void takeFromLot(long lotId, long debitId, long amount) {
        int changed = jdbc.sql("UPDATE credit_lot SET remaining_credits = remaining_credits - ? WHERE id = ? AND remaining_credits >= ?")
                .params(amount, lotId, amount).update();
        if (changed != 1) {
            throw new IllegalStateException("Lot " + lotId + " holds less than " + amount + " credits");
        }
        jdbc.sql("INSERT INTO credit_debit_lot (debit_id, lot_id, amount_credits) VALUES (?, ?, ?)")
                .params(debitId, lotId, amount).update();
    }

    /** Returns a released hold's credits to the lots they came from. */
    void giveBack(long holdId) {
        jdbc.sql("""
                UPDATE credit_lot l SET remaining_credits = l.remaining_credits + hl.amount_credits
                FROM credit_hold_lot hl WHERE hl.hold_id = ? AND l.id = hl.lot_id""")
                .params(holdId).update();
    }

    /**
     * Moves out what is left of the user's lots past their expiry, one EXPIRE entry per lot.
     *
     * @param current the user's balance now
     * @return the balance afterwards ({@code current} when nothing was due)
     */
    Balance expireDue(long userId, Balance current) {
        List<ExpiredLot> expired = jdbc.sql("""
                WITH due AS (
                    SELECT id, remaining_credits FROM credit_lot
                    WHERE user_id = :user AND remaining_credits > 0 AND expires_at <= :now ORDER BY id FOR UPDATE
                )
                UPDATE credit_lot l SET expired_credits = l.expired_credits + due.remaining_credits, remaining_credits = 0
                FROM due WHERE l.id = due.id
                RETURNING l.id, due.remaining_credits, l.expired_credits""")
                .param("user", userId).param("now", rows.now())
                .query((rs, n) -> new ExpiredLot(rs.getLong(1), rs.getLong(2), rs.getLong(3))).list();
        Balance balance = current;
        for (ExpiredLot lot : expired) {
            balance = rows.change(userId, -lot.amountCredits(), 0).after();
            rows.append(new LedgerRows.Entry(userId, EntryKind.EXPIRE, lot.amountCredits(), null, lot.lotId(), null,
                    "expire:lot:" + lot.lotId() + ":" + lot.expiredSoFar(), "Credits expired"), balance);
        }
        return balance;
    }
}
