package org.text2image.server.generation;

import java.util.Map;
import org.text2image.server.catalog.Model;
import org.text2image.server.catalog.VideoSpec;
import org.text2image.server.plans.Plan;

/**
 * The video settings of a request for a video model (docs/MODELS.md, "Video models"): its length
 * in frames by the model's range and frames rule, its frames per second, the plan's video limits
 * (docs/PLANS.md) and, for an image-to-video model, that an input image was chosen (whose owner
 * {@link GenerationService} checks).
 */
final class VideoRules {

    private VideoRules() {
    }

    /**
     * @param width the request's checked width
     * @param height the request's checked height
     * @param allowance the user's plan, or null for a quote without one
     * @param errors where a message per refused field goes ({@code frames}, {@code fps}, {@code inputImageId})
     * @return the settings with the model's defaults filled in (meaningful only when no error was added)
     */
    static JobParameters.Video check(GenerationRequest request, Model model, int width, int height,
                                     PlanAllowance allowance, Map<String, String> errors) {
        VideoSpec spec = model.video();
        int frames = request.frames() == null ? spec.frames().defaultValue() : request.frames();
        int fps = request.fps() == null ? spec.fps().defaultValue() : request.fps();
        if (!spec.frames().contains(frames)) {
            errors.put("frames", "Frames must be between " + spec.frames().min() + " and " + spec.frames().max()
                    + " for " + model.name() + ".");
        } else if (!spec.framesRule().allows(frames)) {
            int[] near = spec.framesRule().nearest(frames);
            errors.put("frames", model.name() + " makes videos of " + spec.framesRule() + " frames ("
                    + examples(spec) + "): " + frames + " is not one; ask for " + nearText(near, spec) + ".");
        }
        if (!spec.fps().contains(fps)) {
            errors.put("fps", "Frames per second must be between " + spec.fps().min() + " and " + spec.fps().max()
                    + " for " + model.name() + ".");
        }
        if (allowance != null && !errors.containsKey("frames") && !errors.containsKey("width")
                && !errors.containsKey("height")) {
            Plan.VideoLimits limits = allowance.plan().video();
            if (!limits.allows(frames, width, height)) {
                String what = frames > limits.maxFrames() ? frames + " frames" : width + "×" + height;
                String yours = "your plan, " + allowance.plan().name() + ", allows " + limitsText(limits) + ".";
                errors.put(frames > limits.maxFrames() ? "frames" : "width", allowance.allowingVideo(frames, width, height)
                        .map(p -> "A video of " + what + " needs the " + p.name() + " plan; " + yours)
                        .orElse("A video of " + what + " is more than any plan allows; " + yours));
            }
        }
        if (spec.imageInput() && request.inputImageId() == null) {
            errors.put("inputImageId", model.name() + " starts from an image: choose one of your images.");
        }
        return new JobParameters.Video(frames, fps, spec.imageInput() ? request.inputImageId() : null);
    }

    /** The first few lengths the rule allows within the model's range, such as "5, 9, 13 … 81". */
    private static String examples(VideoSpec spec) {
        int first = spec.framesRule().nearest(spec.frames().min())[spec.framesRule().allows(spec.frames().min()) ? 0 : 1];
        int step = spec.framesRule().step();
        return first + ", " + (first + step) + ", " + (first + 2 * step) + " … " + spec.frames().max();
    }

    private static String nearText(int[] near, VideoSpec spec) {
        boolean below = spec.frames().contains(near[0]);
        boolean above = spec.frames().contains(near[1]);
        if (below && above) {
            return near[0] + " or " + near[1];
        }
        return Integer.toString(below ? near[0] : near[1]);
    }

    private static String limitsText(Plan.VideoLimits limits) {
        String frames = limits.maxFrames() == Plan.VideoLimits.UNLIMITED ? "any length"
                : "up to " + limits.maxFrames() + " frames";
        String pixels = limits.maxPixels() == Plan.VideoLimits.UNLIMITED ? "any size"
                : "up to " + String.format(java.util.Locale.ROOT, "%,d", limits.maxPixels()) + " pixels a frame";
        return frames + " at " + pixels;
    }
}
