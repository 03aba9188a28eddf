package org.text2image.worker.comfyui.standin;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * ComfyUI's validation of {@code POST /prompt} bodies, the subset the stand-in models (answers as
 * in validation_errors.txt and post_missing_ckpt.txt): {@code no_prompt}, {@code invalid_prompt}
 * (a node without class_type), {@code prompt_no_outputs}, and {@code prompt_outputs_failed_validation}
 * for a checkpoint that is not installed or an image size out of range. Any node class is accepted.
 */
final class PromptCheck {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String CKPT_TOOLTIP = "The name of the checkpoint (model) to load.";
    /** EmptyImage and EmptyLatentImage input limits: {min, max} (object_info, nodes.py). */
    private static final Map<String, Map<String, int[]>> RANGES = Map.of(
            "EmptyImage", Map.of("width", new int[] {1, 16384}, "height", new int[] {1, 16384}, "batch_size", new int[] {1, 4096}),
            "EmptyLatentImage", Map.of("width", new int[] {16, 16384}, "height", new int[] {16, 16384}, "batch_size", new int[] {1, 4096}));

    private PromptCheck() {
    }

    /** The HTTP 400 body for {@code body}, or empty when the prompt may be queued (every {@code LoadImage} file present). */
    static Optional<ObjectNode> errors(JsonNode body, List<String> checkpoints) {
        return errors(body, checkpoints, image -> true);
    }

    /**
     * As above, and a {@code LoadImage} whose {@code image} ({@code <subfolder>/<file>} under
     * {@code input/}) {@code inputExists} denies fails LoadImage's own check (its
     * {@code VALIDATE_INPUTS}): {@code custom_validation_failed}, details
     * {@code image - Invalid image file: <image>}.
     */
    static Optional<ObjectNode> errors(JsonNode body, List<String> checkpoints,
                                       java.util.function.Predicate<String> inputExists) {
        return errors(body, checkpoints, inputExists, List.of());
    }

    /**
     * As above, and a {@code LoadImageTextDataSetFromFolder} or {@code LoadImageDataSetFromFolder}
     * whose {@code folder} is not one of {@code inputFolders} (the folders in {@code input/}) fails
     * as in post_bad_dataset_folder.txt: {@code value_not_in_list}, details
     * {@code folder: '<folder>' not in ['a', 'b']}.
     */
    static Optional<ObjectNode> errors(JsonNode body, List<String> checkpoints,
                                       java.util.function.Predicate<String> inputExists, List<String> inputFolders) {
        return errors(body, checkpoints, inputExists, inputFolders, List.of());
    }

    /**
     * As above, and a {@code LoraLoaderModelOnly} (or {@code LoraLoader}) whose {@code lora_name} is
     * not one of {@code loras} (what {@code GET /models/loras} lists) fails as ComfyUI's combo check
     * does ({@code execution.py} {@code validate_inputs}): {@code value_not_in_list}, details
     * {@code lora_name: '<name>' not in ['a', 'b']}, {@code input_config} the node's input type
     * {@code [[options]]} (LoraLoaderModelOnly's {@code lora_name} has no tooltip); over 20 options
     * the details say {@code (list of length N)} and {@code input_config} is null.
     */
    static Optional<ObjectNode> errors(JsonNode body, List<String> checkpoints,
                                       java.util.function.Predicate<String> inputExists, List<String> inputFolders,
                                       List<String> loras) {
        if (!body.has("prompt")) {
            return Optional.of(error("no_prompt", "No prompt provided", "No prompt provided"));
        }
        JsonNode prompt = body.get("prompt");
        if (!prompt.isObject()) {
            return Optional.of(error("invalid_prompt", "Cannot execute because the prompt is not an object of nodes.", ""));
        }
        for (Map.Entry<String, JsonNode> node : prompt.properties()) {
            if (!node.getValue().isObject() || !node.getValue().path("class_type").isString()) {
                return Optional.of(error("invalid_prompt", "Cannot execute because a node is missing the class_type property.",
                        "Node ID '#" + node.getKey() + "'"));
            }
        }
        Graph graph = new Graph((ObjectNode) prompt);
        if (graph.outputNodes().isEmpty()) {
            return Optional.of(error("prompt_no_outputs", "Prompt has no outputs", ""));
        }
        ObjectNode nodeErrors = NODES.objectNode();
        for (String id : prompt.propertyNames()) {
            ArrayNode errors = NODES.arrayNode();
            checkCheckpoint(graph, id, checkpoints, errors);
            checkRanges(graph, id, errors);
            checkInputImage(graph, id, inputExists, errors);
            checkDatasetFolder(graph, id, inputFolders, errors);
            checkLora(graph, id, loras, errors);
            if (!errors.isEmpty()) {
                ObjectNode entry = nodeErrors.putObject(id);
                entry.set("errors", errors);
                graph.dependentOutputs(id).forEach(entry.putArray("dependent_outputs")::add);
                entry.put("class_type", graph.classType(id));
            }
        }
        if (nodeErrors.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode answer = error("prompt_outputs_failed_validation", "Prompt outputs failed validation", "");
        answer.set("node_errors", nodeErrors);
        return Optional.of(answer);
    }

    private static void checkCheckpoint(Graph graph, String id, List<String> checkpoints, ArrayNode errors) {
        JsonNode name = graph.inputs(id).path("ckpt_name");
        if (!graph.classType(id).equals("CheckpointLoaderSimple") || !name.isString()
                || checkpoints.contains(name.stringValue())) {
            return;
        }
        ObjectNode error = errors.addObject().put("type", "value_not_in_list").put("message", "Value not in list")
                .put("details", "ckpt_name: " + pythonRepr(name.stringValue()) + " not in " + pythonRepr(checkpoints));
        ObjectNode extra = error.putObject("extra_info").put("input_name", "ckpt_name");
        ArrayNode config = extra.putArray("input_config");
        checkpoints.forEach(config.addArray()::add);
        config.addObject().put("tooltip", CKPT_TOOLTIP);
        extra.put("received_value", name.stringValue());
    }

    private static void checkInputImage(Graph graph, String id, java.util.function.Predicate<String> inputExists,
                                        ArrayNode errors) {
        JsonNode image = graph.inputs(id).path("image");
        if (!graph.classType(id).equals("LoadImage") || !image.isString() || inputExists.test(image.stringValue())) {
            return;
        }
        ObjectNode error = errors.addObject().put("type", "custom_validation_failed")
                .put("message", "Custom validation failed for node")
                .put("details", "image - Invalid image file: " + image.stringValue());
        error.putObject("extra_info").put("input_name", "image").put("received_value", image.stringValue());
    }

    private static void checkDatasetFolder(Graph graph, String id, List<String> folders, ArrayNode errors) {
        JsonNode folder = graph.inputs(id).path("folder");
        if (!List.of("LoadImageTextDataSetFromFolder", "LoadImageDataSetFromFolder").contains(graph.classType(id))
                || !folder.isString() || folders.contains(folder.stringValue())) {
            return;
        }
        ObjectNode error = errors.addObject().put("type", "value_not_in_list").put("message", "Value not in list")
                .put("details", "folder: " + pythonRepr(folder.stringValue()) + " not in " + pythonRepr(folders));
        ObjectNode extra = error.putObject("extra_info").put("input_name", "folder");
        ArrayNode config = extra.putArray("input_config").add("COMBO");
        ObjectNode options = config.addObject().put("tooltip", "The folder to load images from.").put("multiselect", false);
        folders.forEach(options.putArray("options")::add);
        extra.put("received_value", folder.stringValue());
    }

    private static void checkLora(Graph graph, String id, List<String> loras, ArrayNode errors) {
        JsonNode name = graph.inputs(id).path("lora_name");
        if (!List.of("LoraLoaderModelOnly", "LoraLoader").contains(graph.classType(id)) || !name.isString()
                || loras.contains(name.stringValue())) {
            return;
        }
        boolean longList = loras.size() > 20;
        ObjectNode error = errors.addObject().put("type", "value_not_in_list").put("message", "Value not in list")
                .put("details", "lora_name: " + pythonRepr(name.stringValue()) + " not in "
                        + (longList ? "(list of length " + loras.size() + ")" : pythonRepr(loras)));
        ObjectNode extra = error.putObject("extra_info").put("input_name", "lora_name");
        if (longList) {
            extra.putNull("input_config");
        } else {
            loras.forEach(extra.putArray("input_config").addArray()::add);
        }
        extra.put("received_value", name.stringValue());
    }

    private static void checkRanges(Graph graph, String id, ArrayNode errors) {
        Map<String, int[]> ranges = RANGES.getOrDefault(graph.classType(id), Map.of());
        for (Map.Entry<String, JsonNode> input : graph.inputs(id).properties()) {
            int[] range = ranges.get(input.getKey());
            if (range == null || !input.getValue().isIntegralNumber()) {
                continue;
            }
            long value = input.getValue().asLong();
            if (value >= range[0] && value <= range[1]) {
                continue;
            }
            boolean small = value < range[0];
            ObjectNode error = errors.addObject().put("type", small ? "value_smaller_than_min" : "value_bigger_than_max")
                    .put("message", "Value " + value + (small ? " smaller than min of " + range[0] : " bigger than max of " + range[1]))
                    .put("details", input.getKey());
            ObjectNode extra = error.putObject("extra_info").put("input_name", input.getKey());
            extra.putArray("input_config").add("INT").addObject().put("min", range[0]).put("max", range[1]);
            extra.put("received_value", value);
        }
    }

    static ObjectNode error(String type, String message, String details) {
        ObjectNode answer = NODES.objectNode();
        answer.putObject("error").put("type", type).put("message", message).put("details", details).putObject("extra_info");
        answer.putObject("node_errors");
        return answer;
    }

    /** Python's {@code repr} of a str or a list of str, as ComfyUI's messages print them. */
    static String pythonRepr(Object value) {
        if (value instanceof List<?> list) {
            return "[" + String.join(", ", list.stream().map(PromptCheck::pythonRepr).toList()) + "]";
        }
        String text = String.valueOf(value);
        return text.contains("'") && !text.contains("\"") ? "\"" + text + "\"" : "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
