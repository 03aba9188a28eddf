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
 * @param video a video job's length, rate and input image; null for an image job
 * @param lora the user's LoRA the job generates with (docs/TRAINING.md, "Using a LoRA"); null for none
 */
public record JobParameters(String modelId, String checkpoint, String prompt, String negativePrompt, int width,
                            int height, int batchSize, long seed, int steps, double cfgScale, String sampler,
                            String scheduler, long priceCredits, Video video, Lora lora) {

    /** A job's parameters without a LoRA (an image or a video job). */
    public JobParameters(String modelId, String checkpoint, String prompt, String negativePrompt, int width,
                         int height, int batchSize, long seed, int steps, double cfgScale, String sampler,
                         String scheduler, long priceCredits, Video video) {
        this(modelId, checkpoint, prompt, negativePrompt, width, height, batchSize, seed, steps, cfgScale, sampler,
                scheduler, priceCredits, video, null);
    }

    /** An image job's parameters. */
    public JobParameters(String modelId, String checkpoint, String prompt, String negativePrompt, int width,
                         int height, int batchSize, long seed, int steps, double cfgScale, String sampler,
                         String scheduler, long priceCredits) {
        this(modelId, checkpoint, prompt, negativePrompt, width, height, batchSize, seed, steps, cfgScale, sampler,
                scheduler, priceCredits, null);
    }

    /** Whether this is a video job. */
    public boolean isVideo() {
        return video != null;
    }

    /** Whether the job generates with one of the user's LoRAs. */
    public boolean hasLora() {
        return lora != null;
    }

    /** These parameters with {@code lora} (null for none). */
    public JobParameters withLora(Lora lora) {
        return new JobParameters(modelId, checkpoint, prompt, negativePrompt, width, height, batchSize, seed, steps,
                cfgScale, sampler, scheduler, priceCredits, video, lora);
    }

    /**
     * The user's LoRA a job generates with: the workflow gains a {@code LoraLoaderModelOnly} node
     * after the model's loader (docs/TRAINING.md, "Using a LoRA").
     *
     * @param id the LoRA ({@code lora_model.id}); its file's hash is looked up when the job is claimed
     * @param strength {@code strength_model}, {@value #MIN_STRENGTH} … {@value #MAX_STRENGTH}
     */
    public record Lora(java.util.UUID id, double strength) {

        /** Smallest strength. */
        public static final double MIN_STRENGTH = -2;
        /** Largest strength. */
        public static final double MAX_STRENGTH = 2;
        /** The strength when none is given. */
        public static final double DEFAULT_STRENGTH = 1;
    }

    /**
     * A video job's own settings.
     *
     * @param frames length in frames, by the model's frames rule
     * @param fps frames per second
     * @param inputImageId the user's image the video starts from (image-to-video), or null
     */
    public record Video(int frames, int fps, java.util.UUID inputImageId) {

        /** How long the video plays, in seconds. */
        public double seconds() {
            return (double) frames / fps;
        }
    }
}
