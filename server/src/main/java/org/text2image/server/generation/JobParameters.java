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
 */
public record JobParameters(String modelId, String checkpoint, String prompt, String negativePrompt, int width,
                            int height, int batchSize, long seed, int steps, double cfgScale, String sampler,
                            String scheduler, long priceCredits, Video video) {

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
