package org.text2image.worker.training;

import java.util.Map;
import org.text2image.worker.comfyui.ImageRef;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where a training graph's LoRA file will be. {@code SaveLoRA} reports no output in the history or
 * the {@code executed} frame (history_train_lora_sd15.json), so the name is derived: SaveLoRA
 * {@code {prefix: "loras/<name>", steps}} writes
 * {@code output/loras/<name>_<steps>_steps_00001_.safetensors} (the counter is 00001 for a prefix
 * never used before), served by {@code /view?filename=…&subfolder=loras&type=output}.
 */
public final class LoraOutput {

    private LoraOutput() {
    }

    /**
     * The file the graph's {@code SaveLoRA} node writes, with the steps of the {@code TrainLoraNode}
     * it saves. Several SaveLoRA nodes with the same inputs save one file (ComfyUI runs the second
     * from cache: wf_train_lora_sd15.json has two, models_loras_after_train.json lists one file).
     *
     * @throws IllegalArgumentException when the graph has no SaveLoRA, SaveLoRA nodes that differ,
     *     or a prefix or TrainLoraNode {@code steps} that is not a literal value
     */
    public static ImageRef of(ObjectNode graph) {
        ImageRef file = null;
        for (Map.Entry<String, JsonNode> node : graph.properties()) {
            if (node.getValue().path("class_type").asString("").equals("SaveLoRA")) {
                ImageRef saved = file(graph, node.getValue().path("inputs"));
                if (file != null && !file.equals(saved)) {
                    throw new IllegalArgumentException("a training graph's SaveLoRA nodes must save one LoRA (one prefix and steps)");
                }
                file = saved;
            }
        }
        if (file == null) {
            throw new IllegalArgumentException("a training graph needs a SaveLoRA node");
        }
        return file;
    }

    private static ImageRef file(ObjectNode graph, JsonNode save) {
        JsonNode prefix = save.path("prefix");
        if (!prefix.isString() || prefix.stringValue().isBlank() || prefix.stringValue().contains("..")) {
            throw new IllegalArgumentException("SaveLoRA needs a literal prefix such as loras/<name>");
        }
        int steps = steps(graph, save.path("steps"));
        String path = prefix.stringValue();
        int slash = path.lastIndexOf('/');
        String subfolder = slash < 0 ? "" : path.substring(0, slash);
        String name = path.substring(slash + 1);
        return new ImageRef(name + "_" + steps + "_steps_00001_.safetensors", subfolder, "output");
    }

    /** SaveLoRA's {@code steps}: a number, or a link to TrainLoraNode's output 3 (its {@code steps} input). */
    private static int steps(ObjectNode graph, JsonNode steps) {
        if (steps.isIntegralNumber()) {
            return steps.asInt();
        }
        if (steps.isArray() && steps.size() == 2 && steps.get(1).asInt(-1) == 3) {
            JsonNode train = graph.path(steps.get(0).asString(""));
            JsonNode value = train.path("inputs").path("steps");
            if (train.path("class_type").asString("").equals("TrainLoraNode") && value.isIntegralNumber()) {
                return value.asInt();
            }
        }
        throw new IllegalArgumentException("SaveLoRA's steps must be a number or TrainLoraNode's steps output");
    }
}
