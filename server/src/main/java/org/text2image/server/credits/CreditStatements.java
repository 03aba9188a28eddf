package org.text2image.server.credits;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The ledger's read side: balances, the credit history, totals over a period, a job's receipt and
 * the lots still holding credits. Reads take no locks; a balance read while a command runs is the
 * one before it. The commands are {@link CreditLedger}.
 */
@Service
public class CreditStatements {

    /** Most ledger entries one {@link #entries} call returns. */
    public static final int MAX_ENTRIES = 500;

    private final JdbcClient jdbc;

    CreditStatements(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The user's cached balance. @throws UnknownAccountException when there is no account */
    @Transactional(readOnly = true)
    public Balance balance(long userId) {
        return jdbc.sql("SELECT available_credits, held_credits FROM credit_account WHERE user_id = ?")
                .params(userId).query(Balance.class).optional()
                .orElseThrow(() -> new UnknownAccountException(userId));
    }

    /** The user's newest ledger entries first, at most {@code limit} (1–{@value #MAX_ENTRIES}). */
    @Transactional(readOnly = true)
    public List<LedgerEntry> entries(long userId, int limit) {
        return entries(userId, 0, limit);
    }

    /**
     * The user's ledger entries, newest first, skipping {@code offset} (≥ 0), at most {@code limit}
     * (1–{@value #MAX_ENTRIES}).
     */
    @Transactional(readOnly = true)
    public List<LedgerEntry> entries(long userId, int offset, int limit) {
        return jdbc.sql("""
                SELECT e.id, e.kind, e.amount_credits, e.available_after, e.held_after, e.job_id, e.reason, e.created_at,
                       CASE WHEN e.kind = 'GRANT' THEN l.expires_at END AS lot_expires_at, e.idempotency_key
                FROM ledger_entry e LEFT JOIN credit_lot l ON l.id = e.lot_id
                WHERE e.user_id = ? ORDER BY e.id DESC OFFSET ? LIMIT ?""")
                .params(userId, Math.max(0, offset), Math.clamp(limit, 1, MAX_ENTRIES))
                .query(LedgerEntry.class).list();
    }

    /**
     * The user's ledger entries older than entry {@code beforeId} (all when null), newest first, at
     * most {@code limit} (1–{@value #MAX_ENTRIES}): keyset pages for the public API.
     */
    @Transactional(readOnly = true)
    public List<LedgerEntry> entriesBefore(long userId, Long beforeId, int limit) {
        return jdbc.sql("""
                SELECT e.id, e.kind, e.amount_credits, e.available_after, e.held_after, e.job_id, e.reason, e.created_at,
                       CASE WHEN e.kind = 'GRANT' THEN l.expires_at END AS lot_expires_at, e.idempotency_key
                FROM ledger_entry e LEFT JOIN credit_lot l ON l.id = e.lot_id
                WHERE e.user_id = ? AND e.id < ? ORDER BY e.id DESC LIMIT ?""")
                .params(userId, beforeId == null ? Long.MAX_VALUE : beforeId, Math.clamp(limit, 1, MAX_ENTRIES))
                .query(LedgerEntry.class).list();
    }

    /**
     * The entries of one job, oldest first: its hold, capture or release (by the job's id) and the
     * entries with any of {@code keys} (such as the grant that paid for an admin's free re-run).
     */
    @Transactional(readOnly = true)
    public List<LedgerEntry> entriesOfJob(UUID jobId, Collection<String> keys) {
        return jdbc.sql("""
                SELECT e.id, e.kind, e.amount_credits, e.available_after, e.held_after, e.job_id, e.reason, e.created_at,
                       CASE WHEN e.kind = 'GRANT' THEN l.expires_at END AS lot_expires_at, e.idempotency_key
                FROM ledger_entry e LEFT JOIN credit_lot l ON l.id = e.lot_id
                WHERE e.job_id = ? OR e.idempotency_key = ANY(?) ORDER BY e.id""")
                .params(jobId, keys.toArray(String[]::new)).query(LedgerEntry.class).list();
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
                .params(userId, OffsetDateTime.ofInstant(since, ZoneOffset.UTC)).query(CreditTotals.class).single();
    }

    /** What a job cost: held, then charged or released. Empty when the ledger has no hold for it. */
    @Transactional(readOnly = true)
    public Optional<JobReceipt> receipt(UUID jobId) {
        return jdbc.sql("""
                SELECT coalesce(sum(amount_credits) FILTER (WHERE kind = 'HOLD'), 0) AS held,
                       coalesce(sum(amount_credits) FILTER (WHERE kind = 'CAPTURE'), 0) AS charged,
                       coalesce(sum(amount_credits) FILTER (WHERE kind = 'RELEASE'), 0) AS released,
                       max(reason) FILTER (WHERE kind = 'RELEASE') AS release_reason
                FROM ledger_entry WHERE job_id = ?""")
                .params(jobId).query(JobReceipt.class).optional().filter(receipt -> receipt.held() > 0);
    }

    /** {@link #receipt} of several jobs in one read, by job id; jobs without a hold are absent. */
    public Map<UUID, JobReceipt> receipts(Collection<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return Map.of();
        }
        Map<UUID, JobReceipt> receipts = new HashMap<>();
        jdbc.sql("""
                SELECT job_id,
                       coalesce(sum(amount_credits) FILTER (WHERE kind = 'HOLD'), 0) AS held,
                       coalesce(sum(amount_credits) FILTER (WHERE kind = 'CAPTURE'), 0) AS charged,
                       coalesce(sum(amount_credits) FILTER (WHERE kind = 'RELEASE'), 0) AS released,
                       max(reason) FILTER (WHERE kind = 'RELEASE') AS release_reason
                FROM ledger_entry WHERE job_id = ANY(?) GROUP BY job_id""")
                .params((Object) jobIds.toArray(UUID[]::new))
                .query(rs -> {
                    JobReceipt receipt = new JobReceipt(rs.getLong("held"), rs.getLong("charged"), rs.getLong("released"),
                            rs.getString("release_reason"));
                    if (receipt.held() > 0) {
                        receipts.put(rs.getObject("job_id", UUID.class), receipt);
                    }
                });
        return receipts;
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

    /** The user's credits that will expire: the lots with an expiry that still hold credits, soonest first. */
    @Transactional(readOnly = true)
    public List<CreditLot> expiring(long userId) {
        return lots(userId).stream().filter(lot -> lot.expiresAt() != null).toList();
    }
}
