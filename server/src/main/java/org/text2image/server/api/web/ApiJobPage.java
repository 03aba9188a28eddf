package org.text2image.server.api.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** A page of jobs, newest first. */
@Schema(description = "A page of the caller's jobs, newest first.")
record ApiJobPage(
        @Schema(description = "The jobs.") @JsonProperty("data") List<ApiJob> data,
        @Schema(description = "Pass as cursor for the next (older) page; null on the last page.")
        @JsonProperty("next_cursor") String nextCursor) {
}
