package org.text2image.server.api.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

/** One entry of the caller's credit history. */
@Schema(description = "One entry of the credit ledger; entries are never changed or removed.")
record ApiLedgerEntry(
        @Schema(description = "The entry's id; ids grow with time.") @JsonProperty("id") long id,
        @Schema(description = "grant, hold, capture, release, expire or debit.") @JsonProperty("kind") String kind,
        @Schema(description = "Credits the entry moved (positive).") @JsonProperty("amount_credits") long amountCredits,
        @Schema(description = "Change to the available balance: + for grants and releases, - for holds, expiries "
                + "and debits, 0 for a capture.") @JsonProperty("available_change") long availableChange,
        @Schema(description = "Available credits after the entry.") @JsonProperty("available_after") long availableAfter,
        @Schema(description = "Held credits after the entry.") @JsonProperty("held_after") long heldAfter,
        @Schema(description = "The job it belongs to, if any.") @JsonProperty("job_id") UUID jobId,
        @Schema(description = "Why, in words.") @JsonProperty("reason") String reason,
        @Schema(description = "For a grant: when its credits expire; null if never.") @JsonProperty("expires_at") Instant expiresAt,
        @Schema(description = "When (ISO-8601, UTC).") @JsonProperty("created_at") Instant createdAt) {
}
