package org.text2image.server.generation.queue;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.text2image.worker.api.WorkerApi;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Puts a user's LoRA into a rendered ComfyUI API-format graph (docs/TRAINING.md, "Using a LoRA"):
 * a {@code LoraLoaderModelOnly} node after the model's loader, and every node input that read the
 * loader's MODEL output ({@code [<loader id>, 0]}) reads the new node's instead.
 *
 * <p>The loader is the graph's {@code CheckpointLoaderSimple} node, or its {@code UNETLoader} when
 * it has none (the first in the graph's order when there are several). The new node's id is the
 * largest numeric node id + 1, as a string.
 */
public final class LoraInsertion {

    /** The node class that applies a LoRA to a model (ComfyUI's nodes.py). */
    public static final String LORA_NODE = "LoraLoaderModelOnly";
    /** The loaders a LoRA can follow, in order of preference. */
    public static final java.util.List<String> LOADERS = java.util.List.of("CheckpointLoaderSimple", "UNETLoader");

    private LoraInsertion() {
    }

    /** Whether a template with these node classes can take a LoRA: it has one of the {@link #LOADERS}. */
    public static boolean canTakeLora(Set<String> classTypes) {
        return LOADERS.stream().anyMatch(classTypes::contains);
    }

    /**
     * Inserts the LoRA into {@code graph} (changed in place).
     *
     * @param sha256 the LoRA file's SHA-256, lowercase hex: {@code lora_name} is
     *     {@link WorkerApi#loraFileName(String)} of it
     * @param strength {@code strength_model}
     * @return the new node's id
     * @throws NoModelLoaderException when the graph has no loader a LoRA can follow
     */
    public static String insert(ObjectNode graph, String sha256, double strength) {
        String loader = loaderId(graph).orElseThrow(NoModelLoaderException::new);
        String id = String.valueOf(maxNumericId(graph) + 1);
        for (Map.Entry<String, JsonNode> node : graph.properties()) {
            JsonNode inputs = node.getValue().path("inputs");
            if (!(inputs instanceof ObjectNode fields)) {
                continue;
            }
            for (Map.Entry<String, JsonNode> input : fields.properties()) {
                if (readsModelOf(input.getValue(), loader)) {
                    ArrayNode link = (ArrayNode) input.getValue();
                    link.set(0, id);
                }
            }
        }
        ObjectNode lora = graph.putObject(id);
        lora.put("class_type", LORA_NODE);
        ObjectNode inputs = lora.putObject("inputs");
        inputs.putArray("model").add(loader).add(0);
        inputs.put("lora_name", WorkerApi.loraFileName(sha256));
        inputs.put("strength_model", strength);
        return id;
    }

    /** The id of the node the LoRA follows, or empty when the graph has none of the {@link #LOADERS}. */
    static Optional<String> loaderId(ObjectNode graph) {
        for (String type : LOADERS) {
            for (Map.Entry<String, JsonNode> node : graph.properties()) {
                if (type.equals(node.getValue().path("class_type").asString(null))) {
                    return Optional.of(node.getKey());
                }
            }
        }
        return Optional.empty();
    }

    /** A link to output 0 (MODEL) of node {@code loader}: {@code ["<loader>", 0]}, the id as a string or a number. */
    private static boolean readsModelOf(JsonNode value, String loader) {
        return value instanceof ArrayNode link && link.size() == 2 && link.get(1).isIntegralNumber()
                && link.get(1).asInt() == 0 && (link.get(0).isString() || link.get(0).isIntegralNumber())
                && loader.equals(link.get(0).asString());
    }

    private static long maxNumericId(ObjectNode graph) {
        long max = 0;
        for (String name : graph.propertyNames()) {
            if (!name.isEmpty() && name.length() < 18 && name.chars().allMatch(c -> c >= '0' && c <= '9')) {
                max = Math.max(max, Long.parseLong(name));
            }
        }
        return max;
    }

    /** The workflow has no {@code CheckpointLoaderSimple} or {@code UNETLoader} node: a LoRA cannot be put in. */
    public static final class NoModelLoaderException extends RuntimeException {
        NoModelLoaderException() {
            super("This model's workflow has no model loader (CheckpointLoaderSimple or UNETLoader) to put a LoRA after.");
        }
    }
}
