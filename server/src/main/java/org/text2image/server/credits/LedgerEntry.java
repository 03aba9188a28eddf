package org.text2image.server.credits;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of the append-only ledger, as shown to the user.
 *
 * @param amountCredits always positive; {@link #kind} gives the direction
 * @param jobId the job it belongs to, or null for grants
 */
public record LedgerEntry(long id, EntryKind kind, long amountCredits, long availableAfter, long heldAfter,
                          UUID jobId, String reason, Instant createdAt) {
}
