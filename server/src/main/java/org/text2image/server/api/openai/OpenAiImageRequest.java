package org.text2image.server.api.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
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
record OpenAiImageRequest(
        @JsonProperty("model") String model,
        @JsonProperty("prompt") String prompt,
        @JsonProperty("n") Integer n,
        @JsonProperty("size") String size,
        @JsonProperty("response_format") String responseFormat,
        @JsonProperty("user") String user,
        @JsonProperty("quality") String quality,
        @JsonProperty("style") String style,
        @JsonProperty("negative_prompt") String negativePrompt,
        @JsonProperty("steps") Integer steps,
        @JsonProperty("cfg_scale") Double cfgScale,
        @JsonProperty("sampler") String sampler,
        @JsonProperty("scheduler") String scheduler,
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
