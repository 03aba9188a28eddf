package org.text2image.server.api.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** A page of credit history, newest first. */
@Schema(description = "A page of the caller's credit history, newest first.")
record ApiLedgerPage(
        @Schema(description = "The entries.") @JsonProperty("data") List<ApiLedgerEntry> data,
        @Schema(description = "Pass as cursor for the next (older) page; null on the last page.")
        @JsonProperty("next_cursor") String nextCursor) {
}
