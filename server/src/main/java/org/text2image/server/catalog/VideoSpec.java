package org.text2image.server.catalog;

import java.time.Duration;
import java.util.List;

/**
 * The video part of a {@code "kind": "video"} model in {@code config/models.json} (docs/MODELS.md,
 * "Video models"): what a user may ask of it and what the server accepts back from it.
 *
 * @param frames default, smallest and largest length in frames ({@code {{frames}}})
 * @param framesRule which lengths the model can make: {@code step}·n + {@code offset}, e.g. 4n+1 for
 *     Wan (whose VAE compresses 4 frames into one latent frame after the first) or 8n+1 for LTX-Video
 * @param fps default, smallest and largest frames per second ({@code {{fps}}})
 * @param maxWidth largest width in pixels (for a video model, in place of the site's largest image size)
 * @param maxHeight largest height in pixels
 * @param sizes the size presets the Generate form offers, one per aspect ratio the model was trained on
 * @param attemptTimeout how long one attempt may run before the server fails it (images use the
 *     site's {@code text2image.jobs.attempt-timeout})
 * @param maxBytes the largest video file the server accepts from a worker for this model
 * @param imageInput whether the model's workflow starts from an image ({@code {{input_image}}}):
 *     image-to-video, from one of the user's own images
 */
public record VideoSpec(Model.Range<Integer> frames, FramesRule framesRule, Model.Range<Integer> fps, int maxWidth,
                        int maxHeight, List<Size> sizes, Duration attemptTimeout, long maxBytes, boolean imageInput) {

    /** How long a video of {@code frames} frames at {@code fps} plays, in seconds. */
    public static double seconds(int frames, int fps) {
        return (double) frames / fps;
    }

    /**
     * The lengths a model can make: {@code step × n + offset} frames for a whole n ≥ 0.
     *
     * @param step frames per latent frame, ≥ 1 (1 allows any length)
     * @param offset the remainder, 0 ≤ offset &lt; step (or 0 and 1 when step is 1)
     */
    public record FramesRule(int step, int offset) {

        /** Any number of frames. */
        public static final FramesRule ANY = new FramesRule(1, 0);

        /** Whether {@code frames} is a length the model can make. */
        public boolean allows(int frames) {
            return frames >= offset && (frames - offset) % step == 0;
        }

        /** The allowed lengths nearest to {@code frames}: the one below (or equal) and the one above. */
        public int[] nearest(int frames) {
            int below = frames - Math.floorMod(frames - offset, step);
            return new int[] {below, below + step};
        }

        /** As written in the models file, e.g. {@code 4n+1}. */
        @Override
        public String toString() {
            return step + "n+" + offset;
        }
    }

    /** A size preset: {@code width}×{@code height} pixels. */
    public record Size(int width, int height) {

        @Override
        public String toString() {
            return width + "×" + height;
        }
    }
}
