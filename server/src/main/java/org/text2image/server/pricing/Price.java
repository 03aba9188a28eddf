package org.text2image.server.pricing;

import org.text2image.server.credits.Credits;

/**
 * What a job costs and why: {@code perImageCredits × sizeFactor × batchSize = totalCredits}. For
 * a video the size factor counts frames too ({@link Pricing}) and the batch is one video.
 *
 * @param perImageCredits the model's {@code cost_credits}: one image at the base size
 * @param sizeFactor how many base sizes the image covers, rounded up, at least 1
 * @param baseWidth width of the base size, in pixels
 * @param baseHeight height of the base size, in pixels
 * @param width the job's width, in pixels
 * @param height the job's height, in pixels
 * @param batchSize images in the job
 * @param totalCredits the price held at submit and captured on success
 * @param frames a video's length in frames; 0 for images
 * @param baseFrames the length {@code cost_credits} pays for (the model's default); 0 for images
 */
public record Price(long perImageCredits, int sizeFactor, int baseWidth, int baseHeight, int width, int height,
                    int batchSize, long totalCredits, int frames, int baseFrames) {

    /** An image job's price. */
    public Price(long perImageCredits, int sizeFactor, int baseWidth, int baseHeight, int width, int height,
                 int batchSize, long totalCredits) {
        this(perImageCredits, sizeFactor, baseWidth, baseHeight, width, height, batchSize, totalCredits, 0, 0);
    }

    /** Whether this prices a video. */
    public boolean isVideo() {
        return frames > 0;
    }

    /** Whether there is more to say than the total: the size or the batch multiplies the cost per image. */
    public boolean hasBreakdown() {
        return sizeFactor > 1 || batchSize > 1;
    }

    /**
     * The breakdown as the Generate form shows it, such as {@code "3 credits per image × 4 for
     * 1024×1024 (base 512×512) × 2 images"}; parts equal to 1 are left out.
     */
    public String breakdown() {
        if (isVideo()) {
            StringBuilder text = new StringBuilder(Credits.format(perImageCredits)).append(" per video");
            if (sizeFactor > 1) {
                text.append(" × ").append(sizeFactor).append(" for ").append(frames).append(" frames at ")
                        .append(width).append('×').append(height).append(" (base ").append(baseFrames)
                        .append(" frames at ").append(baseWidth).append('×').append(baseHeight).append(')');
            }
            return text.toString();
        }
        StringBuilder text = new StringBuilder(Credits.format(perImageCredits)).append(" per image");
        if (sizeFactor > 1) {
            text.append(" × ").append(sizeFactor).append(" for ").append(width).append('×').append(height)
                    .append(" (base ").append(baseWidth).append('×').append(baseHeight).append(')');
        }
        if (batchSize > 1) {
            text.append(" × ").append(batchSize).append(" images");
        }
        return text.toString();
    }
}
