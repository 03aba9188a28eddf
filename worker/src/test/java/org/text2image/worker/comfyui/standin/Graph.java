package org.text2image.worker.comfyui.standin;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.text2image.worker.workflow.WorkflowTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads an API-format graph ({@code {"<id>": {"class_type", "inputs"}}}, links
 * {@code ["<id>", <output index>]}) the way the stand-in needs: output nodes, execution order,
 * sampler steps and the image size that reaches each output.
 */
final class Graph {

    /** Node classes that produce results: the save nodes plus PreviewImage (temp images). */
    static final Set<String> OUTPUT_TYPES = Stream.of(WorkflowTemplate.OUTPUT_NODE_TYPES.stream(),
            WorkflowTemplate.TRAINING_OUTPUT_NODE_TYPES.stream(), Stream.of("PreviewImage"))
            .flatMap(types -> types).collect(Collectors.toUnmodifiableSet());
    static final Set<String> SAMPLER_TYPES = Set.of("KSampler", "KSamplerAdvanced");
    private static final Set<String> SIZE_SOURCES = Set.of("EmptyLatentImage", "EmptyImage", "EmptySD3LatentImage");

    /** Pixels of one image and images per batch. */
    record Size(int width, int height, int batchSize) {
    }

    private final ObjectNode nodes;

    Graph(ObjectNode nodes) {
        this.nodes = nodes;
    }

    String classType(String id) {
        return nodes.path(id).path("class_type").asString("");
    }

    JsonNode inputs(String id) {
        return nodes.path(id).path("inputs");
    }

    List<String> outputNodes() {
        List<String> outputs = new ArrayList<>();
        for (String id : nodes.propertyNames()) {
            if (OUTPUT_TYPES.contains(classType(id))) {
                outputs.add(id);
            }
        }
        return outputs;
    }

    /** Dependencies first, as ComfyUI walks back from each output; nodes no output needs are left out. */
    List<String> executionOrder() {
        Set<String> order = new LinkedHashSet<>();
        for (String output : outputNodes()) {
            visit(output, order, new LinkedHashSet<>());
        }
        return List.copyOf(order);
    }

    private void visit(String id, Set<String> order, Set<String> path) {
        if (order.contains(id) || !path.add(id) || !nodes.has(id)) {
            return;
        }
        for (String upstream : links(id)) {
            visit(upstream, order, path);
        }
        order.add(id);
    }

    /** The node ids this node's inputs link to, in input order. */
    List<String> links(String id) {
        List<String> linked = new ArrayList<>();
        for (Map.Entry<String, JsonNode> input : inputs(id).properties()) {
            JsonNode value = input.getValue();
            if (value.isArray() && value.size() == 2 && value.get(0).isString() && value.get(1).isNumber()) {
                linked.add(value.get(0).stringValue());
            }
        }
        return linked;
    }

    /** The output nodes whose result depends on {@code id} (ComfyUI's {@code dependent_outputs}). */
    List<String> dependentOutputs(String id) {
        return outputNodes().stream().filter(output -> upstream(output).contains(id)).toList();
    }

    /** The node and everything it links to, transitively. */
    Set<String> upstream(String id) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(id));
        while (!todo.isEmpty()) {
            String next = todo.pop();
            if (seen.add(next)) {
                todo.addAll(links(next));
            }
        }
        return seen;
    }

    /**
     * A sampler's {@code steps}; a {@code TrainLoraNode}'s {@code steps × grad_accumulation_steps}
     * (its progress max, ws_train_lora_sd15.jsonl); 0 for other nodes.
     */
    int steps(String id) {
        if (classType(id).equals("TrainLoraNode")) {
            return Math.max(1, Math.min(inputs(id).path("steps").asInt(1) * Math.max(1, inputs(id).path("grad_accumulation_steps").asInt(1)), 100_000));
        }
        return SAMPLER_TYPES.contains(classType(id)) ? Math.max(1, Math.min(inputs(id).path("steps").asInt(20), 10_000)) : 0;
    }

    /**
     * The size set by the nearest EmptyLatentImage or EmptyImage upstream of {@code outputId}; 512×512×1 if none.
     * An {@code ImageScale} on the way sets the width and height (an image-to-video template scales
     * the user's LoadImage to the job's size), a {@code RepeatImageBatch} multiplies the batch by its
     * {@code amount}, and an {@code ImageFromBatch} (a video template's poster: the first frame) cuts
     * the batch to its {@code length} (default 1) of what remains after {@code batch_index}.
     */
    Size size(String outputId) {
        Set<String> upstream = upstream(outputId);
        int width = 512;
        int height = 512;
        int batch = 1;
        for (String id : upstream) {
            if (SIZE_SOURCES.contains(classType(id))) {
                JsonNode in = inputs(id);
                width = in.path("width").asInt(512);
                height = in.path("height").asInt(512);
                batch = in.path("batch_size").asInt(1);
                break;
            }
        }
        for (String id : upstream) {
            JsonNode in = inputs(id);
            switch (classType(id)) {
                case "ImageScale" -> {
                    width = in.path("width").asInt(width);
                    height = in.path("height").asInt(height);
                }
                case "RepeatImageBatch" -> batch *= Math.max(1, in.path("amount").asInt(1));
                default -> { }
            }
        }
        for (String cut : upstream) {
            if (classType(cut).equals("ImageFromBatch")) {
                int index = Math.max(0, inputs(cut).path("batch_index").asInt(0));
                batch = Math.max(1, Math.min(inputs(cut).path("length").asInt(1), batch - index));
            }
        }
        return new Size(width, height, batch);
    }

    /** The {@code fps} of a {@code CreateVideo} upstream of {@code outputId}; 24 (ComfyUI's default) if none. */
    int fps(String outputId) {
        for (String id : upstream(outputId)) {
            if (classType(id).equals("CreateVideo")) {
                return Math.max(1, (int) Math.round(inputs(id).path("fps").asDouble(24)));
            }
        }
        return 24;
    }

    /** An {@code EmptyImage}'s color upstream of {@code outputId} (0xRRGGBB), else a color derived from the graph. */
    int color(String outputId) {
        for (String id : upstream(outputId)) {
            if (classType(id).equals("EmptyImage") && inputs(id).path("color").isNumber()) {
                int color = inputs(id).path("color").asInt(0) & 0xffffff;
                return upstream(outputId).stream().anyMatch(n -> classType(n).equals("ImageInvert")) ? ~color & 0xffffff : color;
            }
        }
        return nodes.hashCode() & 0xffffff;
    }
}
