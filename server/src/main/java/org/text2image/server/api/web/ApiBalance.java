package org.text2image.server.api.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** The caller's credits now. */
@Schema(description = "The caller's credits now.")
record ApiBalance(
        @Schema(description = "Credits that can pay for new jobs.") @JsonProperty("available_credits") long availableCredits,
        @Schema(description = "Credits held by queued and running jobs.") @JsonProperty("held_credits") long heldCredits) {
}
