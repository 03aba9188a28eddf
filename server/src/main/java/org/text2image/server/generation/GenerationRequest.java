package org.text2image.server.generation;

/**
 * What a user asks for, as typed: every number may be null (the model's default is used) and is
 * checked by {@link GenerationValidator}.
 *
 * @param modelId a model id from {@code config/models.json}; null picks the default model
 * @param prompt what to draw, 1 … max-prompt-length characters
 * @param negativePrompt what to avoid, may be empty
 * @param width pixels, min-size … max-width
 * @param height pixels, min-size … max-height
 * @param batchSize images, 1 … max-batch-size
 * @param seed 0 … 2^63−1; null draws a random one
 * @param steps sampler steps within the model's range
 * @param cfgScale CFG scale within the model's range
 * @param sampler ComfyUI sampler name offered by the model
 * @param scheduler ComfyUI scheduler name offered by the model
 * @param frames a video's length in frames, by the model's rule (video models only; null: the model's default)
 * @param fps a video's frames per second (video models only; null: the model's default)
 * @param inputImageId one of the user's own images to start a video from (image-to-video models only)
 * @param loraId one of the user's own LoRAs to generate with (docs/TRAINING.md, "Using a LoRA"): the
 *     job runs the LoRA's base model, so {@code modelId} is then null or that model's id
 * @param loraStrength the LoRA's strength, −2 … 2; null: 1 (only with {@code loraId})
 */
public record GenerationRequest(String modelId, String prompt, String negativePrompt, Integer width, Integer height,
                                Integer batchSize, Long seed, Integer steps, Double cfgScale, String sampler,
                                String scheduler, Integer frames, Integer fps, java.util.UUID inputImageId,
                                java.util.UUID loraId, Double loraStrength) {

    /** A request without a LoRA (for an image or a video model). */
    public GenerationRequest(String modelId, String prompt, String negativePrompt, Integer width, Integer height,
                             Integer batchSize, Long seed, Integer steps, Double cfgScale, String sampler,
                             String scheduler, Integer frames, Integer fps, java.util.UUID inputImageId) {
        this(modelId, prompt, negativePrompt, width, height, batchSize, seed, steps, cfgScale, sampler, scheduler,
                frames, fps, inputImageId, null, null);
    }

    /** A request for an image model: no video settings. */
    public GenerationRequest(String modelId, String prompt, String negativePrompt, Integer width, Integer height,
                             Integer batchSize, Long seed, Integer steps, Double cfgScale, String sampler,
                             String scheduler) {
        this(modelId, prompt, negativePrompt, width, height, batchSize, seed, steps, cfgScale, sampler, scheduler,
                null, null, null);
    }

    /** This request with the user's LoRA {@code loraId} at {@code loraStrength} (null: 1). */
    public GenerationRequest withLora(java.util.UUID loraId, Double loraStrength) {
        return new GenerationRequest(modelId, prompt, negativePrompt, width, height, batchSize, seed, steps, cfgScale,
                sampler, scheduler, frames, fps, inputImageId, loraId, loraStrength);
    }

    /** A request for {@code modelId} with only a prompt: every setting from the model's defaults. */
    public static GenerationRequest of(String modelId, String prompt) {
        return new GenerationRequest(modelId, prompt, null, null, null, null, null, null, null, null, null);
    }

    /** A request with only a prompt: everything else from the default model. */
    public static GenerationRequest ofPrompt(String prompt) {
        return new GenerationRequest(null, prompt, null, null, null, null, null, null, null, null, null);
    }
}
