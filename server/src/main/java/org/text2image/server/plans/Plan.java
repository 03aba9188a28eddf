package org.text2image.server.plans;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One plan of {@code config/plans.json} (docs/PLANS.md), enforced on every generation request
 * (docs/PLANS.md, "Enforcement").
 *
 * @param id short and stable ({@code [a-z0-9][a-z0-9_-]{0,31}})
 * @param name shown on pages, 1–{@value PlansLoader#MAX_NAME} characters
 * @param currency ISO 4217 code of the prices, such as {@code INR}
 * @param priceMinor the price of a week and of a year in the currency's minor unit (paise, cents);
 *     both 0 for the free plan, both &gt; 0 for every other plan
 * @param credits credits granted per week and per year (a year's credits come at once)
 * @param batchLimit most images one request may ask for: 1, 4, 8, 16 or {@link #UNLIMITED}
 * @param queuePriority the plan's place in the queue
 * @param parameterAccess which generation parameters the plan may set
 * @param modelAccess access per model id, in the file's order; a model not named is fully open
 * @param matureContent whether the plan may use models marked {@code mature}
 * @param betaAccess whether the plan may use models marked {@code beta}
 * @param loraTrainings LoRA trainings allowed per week and per year
 * @param video the longest and largest video one job may ask for
 */
public record Plan(String id, String name, String currency, PerPeriod priceMinor, PerPeriod credits, int batchLimit,
                   QueuePriority queuePriority, ParameterAccess parameterAccess, Map<String, ModelAccess> modelAccess,
                   boolean matureContent, boolean betaAccess, PerPeriod loraTrainings, VideoLimits video) {

    /** A plan without video limits (beyond each video model's own). */
    public Plan(String id, String name, String currency, PerPeriod priceMinor, PerPeriod credits, int batchLimit,
                QueuePriority queuePriority, ParameterAccess parameterAccess, Map<String, ModelAccess> modelAccess,
                boolean matureContent, boolean betaAccess, PerPeriod loraTrainings) {
        this(id, name, currency, priceMinor, credits, batchLimit, queuePriority, parameterAccess, modelAccess,
                matureContent, betaAccess, loraTrainings, VideoLimits.NONE);
    }

    /**
     * The video limits of a plan ({@code "video": {"max_frames": 49, "max_pixels": 409600}} in the
     * plans file; docs/PLANS.md): a video job may ask for at most {@code maxFrames} frames and
     * {@code maxPixels} pixels per frame (width × height). {@link #UNLIMITED} when the file does not say.
     *
     * @param maxFrames most frames one video may have
     * @param maxPixels most pixels per frame (width × height)
     */
    public record VideoLimits(int maxFrames, int maxPixels) {

        /** No limit. */
        public static final int UNLIMITED = Integer.MAX_VALUE;
        /** No video limits beyond the model's. */
        public static final VideoLimits NONE = new VideoLimits(UNLIMITED, UNLIMITED);

        /** Whether a video of {@code frames} frames at {@code width}×{@code height} is within the limits. */
        public boolean allows(int frames, int width, int height) {
            return frames <= maxFrames && (long) width * height <= maxPixels;
        }
    }

    /** The batch limit of a plan whose file says {@code "unlimited"}. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    public Plan {
        modelAccess = Collections.unmodifiableMap(new LinkedHashMap<>(modelAccess));
    }

    /** Whether this is the default plan: it costs nothing. */
    public boolean free() {
        return priceMinor.weekly() == 0 && priceMinor.yearly() == 0;
    }

    /** "4" or "unlimited". */
    public String batchLimitText() {
        return batchLimit == UNLIMITED ? "unlimited" : Integer.toString(batchLimit);
    }

    /** The access to a model: as the file says, or full when the file does not name it. */
    public ModelAccess accessTo(String modelId) {
        return modelAccess.getOrDefault(modelId, ModelAccess.FULL);
    }

    /**
     * An amount for each billing period.
     *
     * @param weekly for one week
     * @param yearly for one year
     */
    public record PerPeriod(long weekly, long yearly) {
    }

    /** A plan's place in the queue, lowest first. */
    public enum QueuePriority {
        STANDARD, PRIORITY, FASTEST;

        /** As the file writes it: {@code standard}, {@code priority}, {@code fastest}. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Which parameters a plan may set: basic (prompt, size, model); advanced (+ steps, CFG scale,
     * sampler, negative prompt); full (+ seed, scheduler, everything).
     */
    public enum ParameterAccess {
        BASIC, ADVANCED, FULL;

        /** As the file writes it: {@code basic}, {@code advanced}, {@code full}. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A plan's access to one model.
     *
     * @param level none, limited or full
     * @param imagesPerWeek the weekly number of images when limited, otherwise 0
     */
    public record ModelAccess(Level level, int imagesPerWeek) {

        /** Full access. */
        public static final ModelAccess FULL = new ModelAccess(Level.FULL, 0);
        /** No access. */
        public static final ModelAccess NONE = new ModelAccess(Level.NONE, 0);

        /** "none", "full" or "50 images a week". */
        @Override
        public String toString() {
            return level == Level.LIMITED ? imagesPerWeek + (imagesPerWeek == 1 ? " image" : " images") + " a week"
                    : level.name().toLowerCase(Locale.ROOT);
        }

        /** The kinds of access. */
        public enum Level { NONE, LIMITED, FULL }
    }
}
