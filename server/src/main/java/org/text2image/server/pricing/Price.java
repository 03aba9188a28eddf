package org.text2image.server.pricing;

import org.text2image.server.credits.Credits;

/**
 * What a job costs and why: {@code perImageCredits × sizeFactor × batchSize = totalCredits}.
 *
 * @param perImageCredits the model's {@code cost_credits}: one image at the base size
 * @param sizeFactor how many base sizes the image covers, rounded up, at least 1
 * @param baseWidth width of the base size, in pixels
 * @param baseHeight height of the base size, in pixels
 * @param width the job's width, in pixels
 * @param height the job's height, in pixels
 * @param batchSize images in the job
 * @param totalCredits the price held at submit and captured on success
 */
public record Price(long perImageCredits, int sizeFactor, int baseWidth, int baseHeight, int width, int height,
                    int batchSize, long totalCredits) {

    /** Whether there is more to say than the total: the size or the batch multiplies the cost per image. */
    public boolean hasBreakdown() {
        return sizeFactor > 1 || batchSize > 1;
    }

    /**
     * The breakdown as the Generate form shows it, such as {@code "3 credits per image × 4 for
     * 1024×1024 (base 512×512) × 2 images"}; parts equal to 1 are left out.
     */
    public String breakdown() {
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
