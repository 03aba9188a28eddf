package org.text2image.server.api.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.text2image.server.generation.GenerationRequest;

/**
 * The body of {@code POST /v1/images/generations}: OpenAI's fields (API reference, "Create image")
 * and the Generate form's settings under the REST API's names. Every rule is the form's
 * ({@link org.text2image.server.generation.GenerationService#enqueue}); this record only maps the
 * names. Unknown fields are ignored, as OpenAI's SDKs send fields of their own.
 *
 * @param model a model id of {@code GET /v1/models}; null: the Generate form's default model
 * @param prompt what to draw (required)
 * @param n images, 1 to the caller's batch limit; null: 1
 * @param size {@code "<width>x<height>"} in pixels, or {@code "auto"}; null or "auto": the model's default size
 * @param responseFormat {@code url} (null: the default) or {@code b64_json}
 * @param user OpenAI's end-user id: accepted and not stored
 * @param quality OpenAI's quality: accepted and ignored (steps set the effort here)
 * @param style OpenAI's style: accepted and ignored (the prompt sets it here)
 * @param negativePrompt what to avoid
 * @param steps sampler steps
 * @param cfgScale CFG scale
 * @param sampler ComfyUI sampler name
 * @param scheduler ComfyUI scheduler name
 * @param seed 0 to 2^63−1
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@Schema(description = "OpenAI's Create image request, plus Text2Image's own settings. Only prompt is required; "
        + "unknown fields are ignored.")
record OpenAiImageRequest(
        @Schema(description = "Model id from GET /v1/models; the Generate page's default model when left out.",
                example = "sd15")
        @JsonProperty("model") String model,
        @Schema(description = "What to draw: 1 to the site's maximum prompt length characters.",
                requiredMode = Schema.RequiredMode.REQUIRED, example = "a lighthouse at dusk, oil painting")
        @JsonProperty("prompt") String prompt,
        @Schema(description = "How many images, 1 to the batch limit of the caller's plan and the site; 1 when "
                + "left out.", example = "2")
        @JsonProperty("n") Integer n,
        @Schema(description = "Width and height in pixels as \"<width>x<height>\" (such as \"512x512\"), within "
                + "the model's ranges; \"auto\" or left out: the model's default size.", example = "512x512")
        @JsonProperty("size") String size,
        @Schema(description = "\"url\" (default: an absolute signed URL per image, valid about an hour, no key "
                + "needed) or \"b64_json\" (the PNG in Base64).", allowableValues = {"url", "b64_json"})
        @JsonProperty("response_format") String responseFormat,
        @Schema(description = "OpenAI's end-user id: accepted and not stored.")
        @JsonProperty("user") String user,
        @Schema(description = "OpenAI's quality: accepted and ignored (steps set the effort here).")
        @JsonProperty("quality") String quality,
        @Schema(description = "OpenAI's style: accepted and ignored (the prompt sets the style here).")
        @JsonProperty("style") String style,
        @Schema(description = "Text2Image extra: what to avoid; needs a plan with advanced parameters.")
        @JsonProperty("negative_prompt") String negativePrompt,
        @Schema(description = "Text2Image extra: sampler steps, within the model's range; needs a plan with "
                + "advanced parameters.")
        @JsonProperty("steps") Integer steps,
        @Schema(description = "Text2Image extra: CFG scale, within the model's range; needs a plan with "
                + "advanced parameters.")
        @JsonProperty("cfg_scale") Double cfgScale,
        @Schema(description = "Text2Image extra: a ComfyUI sampler the model allows; needs a plan with advanced "
                + "parameters.")
        @JsonProperty("sampler") String sampler,
        @Schema(description = "Text2Image extra: a ComfyUI scheduler the model allows; needs a plan with full "
                + "parameters.")
        @JsonProperty("scheduler") String scheduler,
        @Schema(description = "Text2Image extra: 0 to 2^63-1 for a repeatable image; random when left out; "
                + "needs a plan with full parameters.")
        @JsonProperty("seed") Long seed) {

    /** {@code size}: two whole numbers of 1 to 5 digits joined by a lower-case x, nothing else. */
    private static final Pattern SIZE = Pattern.compile("([1-9][0-9]{0,4})x([1-9][0-9]{0,4})");

    /** How the images come back. */
    enum Format {
        /** An absolute signed URL per image. */
        URL,
        /** The image's bytes in Base64. */
        B64_JSON
    }

    /**
     * The requested format.
     *
     * @throws OpenAiRefusal for anything but {@code url}, {@code b64_json} or null
     */
    Format format() {
        if (responseFormat == null || responseFormat.equals("url")) {
            return Format.URL;
        }
        if (responseFormat.equals("b64_json")) {
            return Format.B64_JSON;
        }
        throw OpenAiRefusal.invalid("invalid_value", "response_format",
                "response_format is \"url\" or \"b64_json\", not \"" + shorten(responseFormat) + "\".");
    }

    /**
     * The Generate form's request: {@code n} is the batch size, {@code size} the width and height.
     *
     * @throws OpenAiRefusal for a {@code size} that is not {@code "<width>x<height>"} or {@code "auto"}
     */
    GenerationRequest toRequest() {
        Integer width = null;
        Integer height = null;
        if (size != null && !size.equals("auto")) {
            Matcher matcher = SIZE.matcher(size);
            if (!matcher.matches()) {
                throw OpenAiRefusal.invalid("invalid_size", "size", "size is \"<width>x<height>\" in pixels, such as "
                        + "\"512x512\", or \"auto\" for the model's default size; not \"" + shorten(size) + "\".");
            }
            width = Integer.valueOf(matcher.group(1));
            height = Integer.valueOf(matcher.group(2));
        }
        return new GenerationRequest(model, prompt, negativePrompt, width, height, n, seed, steps, cfgScale, sampler,
                scheduler);
    }

    /**
     * OpenAI's name of a field of {@link GenerationRequest} (the validator's error keys): {@code n}
     * for the batch size, {@code size} for width and height, snake_case for the rest.
     */
    static String openAiName(String formField) {
        return switch (formField) {
            case "modelId" -> "model";
            case "batchSize" -> "n";
            case "width", "height" -> "size";
            case "negativePrompt" -> "negative_prompt";
            case "cfgScale" -> "cfg_scale";
            default -> formField;
        };
    }

    private static String shorten(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
