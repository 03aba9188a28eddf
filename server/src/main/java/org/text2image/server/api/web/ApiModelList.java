package org.text2image.server.api.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The models, with the limits every request shares. */
@Schema(description = "The enabled models and the limits of a request on this site for the caller's plan.")
record ApiModelList(
        @Schema(description = "The models.") @JsonProperty("data") List<ApiModel> data,
        @Schema(description = "Limits of every request.") @JsonProperty("limits") Limits limits) {

    /** Site-wide limits, with the caller's plan's batch limit. */
    @Schema(name = "RequestLimits", description = "Limits of every job request on this site, with the caller's plan's batch limit.")
    record Limits(@Schema(description = "Smallest width and height in pixels.") @JsonProperty("min_size") int minSize,
                  @Schema(description = "Largest width in pixels.") @JsonProperty("max_width") int maxWidth,
                  @Schema(description = "Largest height in pixels.") @JsonProperty("max_height") int maxHeight,
                  @Schema(description = "Longest prompt in characters.") @JsonProperty("max_prompt_length") int maxPromptLength,
                  @Schema(description = "Most images one job may have on the caller's plan.")
                  @JsonProperty("max_batch_size") int maxBatchSize,
                  @Schema(description = "The caller's plan id.") @JsonProperty("plan") String plan) {
    }
}
