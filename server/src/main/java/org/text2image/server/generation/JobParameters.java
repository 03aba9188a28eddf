package org.text2image.server.generation;

/**
 * A checked request with every default filled in: what is stored on the job and rendered into
 * the workflow.
 *
 * @param modelId the model
 * @param checkpoint the model's checkpoint file at submit time
 * @param prompt 1 … max-prompt-length characters
 * @param negativePrompt possibly empty
 * @param width pixels
 * @param height pixels
 * @param batchSize images
 * @param seed 0 … 2^63−1
 * @param steps sampler steps
 * @param cfgScale CFG scale
 * @param sampler ComfyUI sampler name
 * @param scheduler ComfyUI scheduler name
 * @param priceCredits what the job costs, held at submit and captured on success
 */
public record JobParameters(String modelId, String checkpoint, String prompt, String negativePrompt, int width,
                            int height, int batchSize, long seed, int steps, double cfgScale, String sampler,
                            String scheduler, long priceCredits) {
}
