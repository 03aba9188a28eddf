package org.text2image.server.credits;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of the append-only ledger, as shown to the user.
 *
 * @param amountCredits always positive; {@link #kind} gives the direction
 * @param jobId the job it belongs to, or null for grants, expiries and debits
 * @param lotExpiresAt for a grant: when its lot expires (null: never, or not a grant)
 * @param idempotencyKey the entry's unique key, such as {@code signup:42} or {@code upi:<UTR>}
 */
public record LedgerEntry(long id, EntryKind kind, long amountCredits, long availableAfter, long heldAfter,
                          UUID jobId, String reason, Instant createdAt, Instant lotExpiresAt,
                          String idempotencyKey) {

    /**
     * The change to the available balance, signed: + for grants and releases, − for holds,
     * expiries and debits, 0 for a capture (its credits had already left the available balance
     * with the hold).
     */
    public long availableChange() {
        return switch (kind) {
            case GRANT, RELEASE -> amountCredits;
            case HOLD, EXPIRE, DEBIT -> -amountCredits;
            case CAPTURE -> 0;
        };
    }
}
