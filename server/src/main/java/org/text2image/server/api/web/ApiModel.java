package org.text2image.server.api.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** A model the caller may ask for, with its price and limits, and what their plan allows. */
@Schema(description = "An enabled model: its price, defaults and limits, and whether the caller's plan may use it.")
record ApiModel(
        @Schema(description = "Model id, for the model field of a job.") @JsonProperty("id") String id,
        @Schema(description = "Display name.") @JsonProperty("name") String name,
        @Schema(description = "What it is good at.") @JsonProperty("description") String description,
        @Schema(description = "Credits per image at the default size; larger sizes cost a whole multiple.")
        @JsonProperty("cost_credits_per_image") long costCreditsPerImage,
        @Schema(description = "Default width in pixels.") @JsonProperty("default_width") int defaultWidth,
        @Schema(description = "Default height in pixels.") @JsonProperty("default_height") int defaultHeight,
        @Schema(description = "Steps range and default.") @JsonProperty("steps") Range steps,
        @Schema(description = "CFG scale range and default.") @JsonProperty("cfg_scale") Range cfgScale,
        @Schema(description = "Samplers offered.") @JsonProperty("samplers") List<String> samplers,
        @Schema(description = "The default sampler.") @JsonProperty("default_sampler") String defaultSampler,
        @Schema(description = "Schedulers offered.") @JsonProperty("schedulers") List<String> schedulers,
        @Schema(description = "The default scheduler.") @JsonProperty("default_scheduler") String defaultScheduler,
        @Schema(description = "Test model: some plans do not open it.") @JsonProperty("beta") boolean beta,
        @Schema(description = "Mature model: needs a plan that allows it and the account's opt-in.")
        @JsonProperty("mature") boolean mature,
        @Schema(description = "Whether the caller's plan lets them use it now.") @JsonProperty("allowed") boolean allowed,
        @Schema(description = "Why not, when not allowed (e.g. 'Pro plan'); null when allowed.")
        @JsonProperty("not_allowed_reason") String notAllowedReason,
        @Schema(description = "Images left this week on a model the plan limits; null when not limited.")
        @JsonProperty("images_left_this_week") Integer imagesLeftThisWeek,
        @Schema(description = "Whether a GPU worker offered this model lately; a job for it is refused when false.")
        @JsonProperty("available") boolean available) {

    /** A numeric range with its default. */
    @Schema(name = "ModelRange", description = "A numeric parameter's range and default.")
    record Range(@Schema(description = "Smallest.") @JsonProperty("min") double min,
                 @Schema(description = "Largest.") @JsonProperty("max") double max,
                 @Schema(description = "Default.") @JsonProperty("default") double defaultValue) {
    }
}
