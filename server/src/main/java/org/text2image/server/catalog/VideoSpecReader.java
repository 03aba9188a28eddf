package org.text2image.server.catalog;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.text2image.worker.workflow.Placeholder;
import org.text2image.worker.workflow.WorkflowTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Reads the {@code "video"} block of a {@code "kind": "video"} model (docs/MODELS.md, "Video
 * models") into a {@link VideoSpec}, with defaults and checks; a bad block stops start-up (or a
 * reload) with a message naming the model and the field.
 */
final class VideoSpecReader {

    /** Longest video a model may declare, in frames (ten minutes at 30 fps: far above any model today). */
    static final int MAX_FRAMES = 18_000;
    /** Largest size limit a model may declare, in megabytes (the worker refuses outputs over 512 MiB). */
    static final int MAX_MEGABYTES = 512;
    private static final Pattern RULE = Pattern.compile("(\\d{1,3})n\\+(\\d{1,3})");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,5})x(\\d{1,5})");

    private VideoSpecReader() {
    }

    static VideoSpec read(Path file, String where, JsonNode node, int width, int height, WorkflowTemplate template) {
        if (!node.isObject()) {
            throw new InvalidModelCatalogException(file, where + " is a video model and needs a \"video\" object");
        }
        for (Placeholder needed : List.of(Placeholder.FRAMES, Placeholder.FPS)) {
            if (!template.placeholders().contains(needed)) {
                throw new InvalidModelCatalogException(file, where + ": a video model's workflow must use {{"
                        + needed.key() + "}}");
            }
        }
        JsonNode frameNode = node.path("frames");
        VideoSpec.FramesRule rule = rule(file, where, frameNode.path("rule").asString("1n+0"));
        Model.Range<Integer> frames = range(file, where, "frames", frameNode, 33, 1, 81, MAX_FRAMES);
        for (int value : new int[] {frames.defaultValue(), frames.min(), frames.max()}) {
            if (!rule.allows(value)) {
                throw new InvalidModelCatalogException(file, where + ": frames " + value + " does not follow the rule "
                        + rule + " (min, default and max must)");
            }
        }
        Model.Range<Integer> fps = range(file, where, "fps", node.path("fps"), 16, 1, 30, 120);
        int maxWidth = node.path("max_width").asInt(Math.max(width, 1280));
        int maxHeight = node.path("max_height").asInt(Math.max(height, 1280));
        if (width > maxWidth || height > maxHeight) {
            throw new InvalidModelCatalogException(file, where + ": the default size " + width + "×" + height
                    + " is larger than max_width × max_height " + maxWidth + "×" + maxHeight);
        }
        List<VideoSpec.Size> sizes = sizes(file, where, node.path("sizes"), width, height, maxWidth, maxHeight);
        int minutes = node.path("attempt_timeout_minutes").asInt(30);
        if (minutes < 1 || minutes > 24 * 60) {
            throw new InvalidModelCatalogException(file, where + ": attempt_timeout_minutes must be 1 … 1440");
        }
        int megabytes = node.path("max_megabytes").asInt(200);
        if (megabytes < 1 || megabytes > MAX_MEGABYTES) {
            throw new InvalidModelCatalogException(file, where + ": max_megabytes must be 1 … " + MAX_MEGABYTES);
        }
        boolean imageInput = node.path("image_input").asBoolean(false);
        if (imageInput != template.placeholders().contains(Placeholder.INPUT_IMAGE)) {
            throw new InvalidModelCatalogException(file, where + (imageInput
                    ? ": \"image_input\": true needs {{input_image}} in its workflow"
                    : ": its workflow uses {{input_image}}, so it needs \"image_input\": true"));
        }
        return new VideoSpec(frames, rule, fps, maxWidth, maxHeight, sizes, Duration.ofMinutes(minutes),
                megabytes * 1024L * 1024L, imageInput);
    }

    private static VideoSpec.FramesRule rule(Path file, String where, String text) {
        Matcher m = RULE.matcher(text.replace(" ", ""));
        if (!m.matches()) {
            throw new InvalidModelCatalogException(file, where + ": frames rule \"" + text
                    + "\" must read like 4n+1 (step n + offset)");
        }
        int step = Integer.parseInt(m.group(1));
        int offset = Integer.parseInt(m.group(2));
        if (step < 1 || (step > 1 && offset >= step)) {
            throw new InvalidModelCatalogException(file, where + ": frames rule \"" + text
                    + "\" needs a step ≥ 1 and an offset below the step");
        }
        return new VideoSpec.FramesRule(step, step == 1 ? 0 : offset);
    }

    private static Model.Range<Integer> range(Path file, String where, String field, JsonNode node, int def, int min,
                                              int max, int ceiling) {
        Model.Range<Integer> range = new Model.Range<>(node.path("default").asInt(def), node.path("min").asInt(min),
                node.path("max").asInt(max));
        if (range.min() < 1 || range.max() > ceiling || !range.contains(range.defaultValue())) {
            throw new InvalidModelCatalogException(file, where + ": " + field + " needs 1 ≤ min ≤ default ≤ max ≤ "
                    + ceiling);
        }
        return range;
    }

    private static List<VideoSpec.Size> sizes(Path file, String where, JsonNode node, int width, int height,
                                              int maxWidth, int maxHeight) {
        List<VideoSpec.Size> sizes = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return List.of(new VideoSpec.Size(width, height));
        }
        if (!node.isArray() || node.isEmpty()) {
            throw new InvalidModelCatalogException(file, where + ": sizes must be a list such as [\"832x480\"]");
        }
        for (JsonNode entry : node) {
            Matcher m = SIZE.matcher(entry.asString(""));
            if (!m.matches()) {
                throw new InvalidModelCatalogException(file, where + ": size " + entry + " must read like \"832x480\"");
            }
            VideoSpec.Size size = new VideoSpec.Size(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
            if (size.width() < 1 || size.height() < 1 || size.width() > maxWidth || size.height() > maxHeight) {
                throw new InvalidModelCatalogException(file, where + ": size " + size + " is outside 1 … "
                        + maxWidth + "×" + maxHeight);
            }
            sizes.add(size);
        }
        return List.copyOf(sizes);
    }
}
