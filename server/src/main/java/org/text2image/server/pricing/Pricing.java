package org.text2image.server.pricing;

import org.springframework.stereotype.Component;
import org.text2image.server.catalog.Model;

/**
 * The one pricing rule, used by the Generate form's quote, the submit and the API alike:
 *
 * <pre>
 * price = cost_credits × size factor × batch size
 * size factor = ⌈ width × height / (base width × base height) ⌉, at least 1
 * </pre>
 *
 * The base size is each model's default size unless {@code text2image.pricing.base-width} ×
 * {@code base-height} sets one for all models (such as 512 × 512, so that a 1024 × 1024 image
 * costs 4 images): {@code cost_credits} is the price of one image at the base size, and a larger
 * image costs as many images as it has base areas, rounded up.
 *
 * <p>A video model's {@code cost_credits} is the price of one video at the model's default size
 * and length (the site's base size does not apply), and a video costs as many of those as it has
 * base volumes of frames × pixels, rounded up:
 *
 * <pre>
 * video price = cost_credits × ⌈ frames × width × height / (default frames × default width × default height) ⌉, at least cost_credits
 * </pre>
 */
@Component
public class Pricing {

    private final PricingProperties properties;

    Pricing(PricingProperties properties) {
        this.properties = properties;
    }

    /**
     * Prices a job.
     *
     * @param width image width in pixels, ≥ 1
     * @param height image height in pixels, ≥ 1
     * @param batchSize images, ≥ 1
     * @throws ArithmeticException when the price does not fit a long (no valid request gets near)
     */
    public Price price(Model model, int width, int height, int batchSize) {
        if (model.isVideo()) {
            return video(model, width, height, model.video().frames().defaultValue());
        }
        if (width < 1 || height < 1 || batchSize < 1) {
            throw new IllegalArgumentException("width, height and batch size must be at least 1");
        }
        boolean modelBase = properties.baseWidth() == 0;
        int baseWidth = modelBase ? model.width() : properties.baseWidth();
        int baseHeight = modelBase ? model.height() : properties.baseHeight();
        long basePixels = (long) baseWidth * baseHeight;
        int factor = (int) Math.max(1, ((long) width * height + basePixels - 1) / basePixels);
        long total = Math.multiplyExact(Math.multiplyExact(model.costCredits(), (long) factor), (long) batchSize);
        return new Price(model.costCredits(), factor, baseWidth, baseHeight, width, height, batchSize, total);
    }

    /**
     * Prices one video of a video model.
     *
     * @param width video width in pixels, ≥ 1
     * @param height video height in pixels, ≥ 1
     * @param frames length in frames, ≥ 1
     * @throws IllegalArgumentException for an image model or a value below 1
     */
    public Price video(Model model, int width, int height, int frames) {
        if (!model.isVideo()) {
            throw new IllegalArgumentException(model.id() + " is not a video model");
        }
        if (width < 1 || height < 1 || frames < 1) {
            throw new IllegalArgumentException("width, height and frames must be at least 1");
        }
        int baseFrames = model.video().frames().defaultValue();
        long baseVolume = (long) baseFrames * model.width() * model.height();
        long volume = (long) frames * width * height;
        int factor = (int) Math.max(1, (volume + baseVolume - 1) / baseVolume);
        long total = Math.multiplyExact(model.costCredits(), (long) factor);
        return new Price(model.costCredits(), factor, model.width(), model.height(), width, height, 1, total, frames,
                baseFrames);
    }
}
