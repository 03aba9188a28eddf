package org.text2image.server.api.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Set;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.LoraRules;
import org.text2image.server.support.InvalidInputException;

/**
 * The body of {@code POST /api/v1/jobs}: the Generate form's fields, in snake_case. Every number
 * may be left out (the model's default applies); the limits are the form's.
 */
@Schema(description = "A job to generate images. Only prompt is required; every other field defaults from the model.")
record ApiJobRequest(
        @Schema(description = "Model id from GET /api/v1/models; the default model when left out.", example = "sd15")
        @JsonProperty("model") String model,
        @Schema(description = "What to draw: 1 to the site's maximum prompt length (GET /api/v1/models shows it) characters.",
                requiredMode = Schema.RequiredMode.REQUIRED, example = "a lighthouse at dusk, oil painting")
        @JsonProperty("prompt") String prompt,
        @Schema(description = "What to avoid; may be empty.", example = "blurry")
        @JsonProperty("negative_prompt") String negativePrompt,
        @Schema(description = "Image width in pixels, a multiple of 8 within the site's limits.", example = "512")
        @JsonProperty("width") Integer width,
        @Schema(description = "Image height in pixels, a multiple of 8 within the site's limits.", example = "512")
        @JsonProperty("height") Integer height,
        @Schema(description = "Images in the job, 1 to the smaller of the site's and the plan's batch limit.", example = "1")
        @JsonProperty("batch_size") Integer batchSize,
        @Schema(description = "Seed, 0 to 2^63-1; a random one when left out (the job shows the seed used).")
        @JsonProperty("seed") Long seed,
        @Schema(description = "Sampler steps within the model's range.", example = "20")
        @JsonProperty("steps") Integer steps,
        @Schema(description = "CFG scale within the model's range.", example = "7.0")
        @JsonProperty("cfg_scale") Double cfgScale,
        @Schema(description = "ComfyUI sampler name the model offers.", example = "euler")
        @JsonProperty("sampler") String sampler,
        @Schema(description = "ComfyUI scheduler name the model offers.", example = "normal")
        @JsonProperty("scheduler") String scheduler,
        @Schema(description = "Video models only: length in frames within the model's range and by its frames rule "
                + "(such as 4n+1); the model's default when left out.", example = "33")
        @JsonProperty("frames") Integer frames,
        @Schema(description = "Video models only: frames per second within the model's range.", example = "16")
        @JsonProperty("fps") Integer fps,
        @Schema(description = "Image-to-video models only: the id of one of your own PNG or JPEG images (an image id "
                + "of one of your jobs) that the video starts from.")
        @JsonProperty("input_image_id") java.util.UUID inputImageId,
        @Schema(description = "The id of one of your own LoRAs (custom models, see My models): the job runs the model "
                + "it was trained on, at that model's price; leave model out or give that model's id. Another "
                + "user's, a deleted or an unknown LoRA is refused the same way.")
        @JsonProperty("lora_id") String loraId,
        @Schema(description = "With lora_id: how strongly the LoRA applies, -2 to 2 (default 1).", example = "0.8")
        @JsonProperty("lora_strength") Double loraStrength) {

    /** The JSON names this body accepts; any other is refused (a typo must not be ignored silently). */
    static final Set<String> FIELDS = Set.of("model", "prompt", "negative_prompt", "width", "height", "batch_size",
            "seed", "steps", "cfg_scale", "sampler", "scheduler", "frames", "fps", "input_image_id", "lora_id",
            "lora_strength");

    /**
     * The form's request.
     *
     * @throws InvalidInputException under {@code lora_id} when it is not a UUID (as for an unknown LoRA)
     */
    GenerationRequest toRequest() {
        java.util.UUID lora = null;
        if (loraId != null) {
            try {
                lora = loraId.length() == 36 ? java.util.UUID.fromString(loraId) : null;
            } catch (IllegalArgumentException e) {
                lora = null;
            }
            if (lora == null) {
                throw new InvalidInputException(java.util.Map.of("loraId", LoraRules.CHOOSE_YOUR_MODEL));
            }
        }
        return new GenerationRequest(model, prompt, negativePrompt, width, height, batchSize, seed, steps, cfgScale,
                sampler, scheduler, frames, fps, inputImageId, lora, loraStrength);
    }

    /** The API's name of a field of {@link GenerationRequest} (the validator's error keys). */
    static String apiName(String formField) {
        return switch (formField) {
            case "modelId" -> "model";
            case "negativePrompt" -> "negative_prompt";
            case "batchSize" -> "batch_size";
            case "cfgScale" -> "cfg_scale";
            case "inputImageId" -> "input_image_id";
            case "loraId" -> "lora_id";
            case "loraStrength" -> "lora_strength";
            default -> formField;
        };
    }
}
