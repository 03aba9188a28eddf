package org.text2image.worker.workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A ComfyUI API-format workflow (a graph {@code {"<node id>": {"class_type", "inputs"}}}, see
 * docs/COMFYUI.md) with {@code {{placeholder}}} strings that {@link #render} replaces with typed values.
 *
 * <p>A string that is exactly one placeholder ({@code "seed": "{{seed}}"}) becomes the value with
 * its JSON type (a number stays a number); a placeholder inside a longer string
 * ({@code "text": "masterpiece, {{prompt}}"}) is replaced as text. A template may use any subset of
 * {@link Placeholder}. Output nodes (see {@link #OUTPUT_NODE_TYPES}) always get the job's
 * {@code filename_prefix}, whether or not the template names that placeholder, so ComfyUI never
 * serves a cached file from another job.
 */
public final class WorkflowTemplate {

    /** Node classes that write results; a template needs at least one. */
    public static final Set<String> OUTPUT_NODE_TYPES = Set.of(
            "SaveImage", "SaveAnimatedWEBP", "SaveAnimatedPNG", "SaveWEBM", "SaveVideo", "VHS_VideoCombine");

    /**
     * Output nodes of training workflows: {@code SaveLoRA} (comfy_extras/nodes_train.py) writes
     * {@code output/<prefix>_<steps>_steps_00001_.safetensors} and reports nothing in the history;
     * it takes {@code prefix}, not {@code filename_prefix}, so {@link #render} leaves it alone.
     */
    public static final Set<String> TRAINING_OUTPUT_NODE_TYPES = Set.of("SaveLoRA");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-zA-Z_]+)\\s*}}");

    private final String source;
    private final ObjectNode graph;
    private final Set<Placeholder> used;

    private WorkflowTemplate(String source, ObjectNode graph, Set<Placeholder> used) {
        this.source = source;
        this.graph = graph;
        this.used = used;
    }

    /**
     * Checks and wraps a parsed template.
     *
     * @param source a name for error messages, usually the template's file name
     * @param graph the parsed JSON
     * @throws InvalidWorkflowTemplateException when the graph is not an object of nodes, names an
     *     unknown placeholder, or has no output node; the message names {@code source}
     */
    public static WorkflowTemplate of(String source, JsonNode graph) {
        if (graph == null || !graph.isObject() || graph.isEmpty()) {
            throw new InvalidWorkflowTemplateException(source, "is not an API-format workflow (a JSON object of nodes)");
        }
        boolean hasOutput = false;
        for (Map.Entry<String, JsonNode> node : graph.properties()) {
            JsonNode classType = node.getValue().get("class_type");
            if (classType == null || !classType.isString() || !node.getValue().path("inputs").isObject()) {
                throw new InvalidWorkflowTemplateException(source,
                        "node \"" + node.getKey() + "\" needs a class_type and an inputs object");
            }
            hasOutput |= OUTPUT_NODE_TYPES.contains(classType.stringValue())
                    || TRAINING_OUTPUT_NODE_TYPES.contains(classType.stringValue());
        }
        if (!hasOutput) {
            throw new InvalidWorkflowTemplateException(source,
                    "has no output node (one of " + new TreeSet<>(OUTPUT_NODE_TYPES) + " or "
                            + new TreeSet<>(TRAINING_OUTPUT_NODE_TYPES) + ")");
        }
        Set<Placeholder> used = new TreeSet<>();
        collectPlaceholders(source, graph, used);
        return new WorkflowTemplate(source, (ObjectNode) graph.deepCopy(), Set.copyOf(used));
    }

    /** The placeholders this template uses. */
    public Set<Placeholder> placeholders() {
        return used;
    }

    /** The {@code class_type} of every node of the template (what it can be extended with depends on them). */
    public Set<String> classTypes() {
        Set<String> types = new TreeSet<>();
        for (Map.Entry<String, JsonNode> node : graph.properties()) {
            types.add(node.getValue().get("class_type").stringValue());
        }
        return types;
    }

    /** The name given at {@link #of}, for messages. */
    public String source() {
        return source;
    }

    /**
     * Renders the graph for one job attempt.
     *
     * @param values a value for every placeholder the template uses (others are ignored)
     * @return a new API-format graph, ready for ComfyUI's {@code POST /prompt}
     * @throws IllegalArgumentException when a used placeholder has no value
     */
    public ObjectNode render(WorkflowValues values) {
        ObjectNode copy = graph.deepCopy();
        for (Placeholder placeholder : used) {
            if (values.get(placeholder) == null) {
                throw new IllegalArgumentException("no value for {{" + placeholder.key() + "}} in " + source);
            }
        }
        replaceIn(copy, values);
        if (values.get(Placeholder.FILENAME_PREFIX) != null) {
            for (Map.Entry<String, JsonNode> node : copy.properties()) {
                if (OUTPUT_NODE_TYPES.contains(node.getValue().get("class_type").stringValue())) {
                    ObjectNode inputs = (ObjectNode) node.getValue().get("inputs");
                    inputs.put("filename_prefix", values.get(Placeholder.FILENAME_PREFIX).toString());
                }
            }
        }
        return copy;
    }

    private static void collectPlaceholders(String source, JsonNode node, Set<Placeholder> into) {
        if (node.isString()) {
            Matcher matcher = PLACEHOLDER.matcher(node.stringValue());
            while (matcher.find()) {
                into.add(Placeholder.fromKey(matcher.group(1)).orElseThrow(() -> new InvalidWorkflowTemplateException(
                        source, "uses unknown placeholder {{" + matcher.group(1) + "}}; known: " + Placeholder.keys())));
            }
        } else if (node.isContainer()) {
            for (JsonNode child : node.values()) {
                collectPlaceholders(source, child, into);
            }
        }
    }

    private static void replaceIn(JsonNode container, WorkflowValues values) {
        if (container instanceof ObjectNode object) {
            for (String name : new ArrayList<>(object.propertyNames())) {
                JsonNode child = object.get(name);
                if (child.isString()) {
                    object.set(name, substitute(child.stringValue(), values));
                } else {
                    replaceIn(child, values);
                }
            }
        } else if (container instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode child = array.get(i);
                if (child.isString()) {
                    array.set(i, substitute(child.stringValue(), values));
                } else {
                    replaceIn(child, values);
                }
            }
        }
    }

    private static JsonNode substitute(String text, WorkflowValues values) {
        Matcher whole = PLACEHOLDER.matcher(text);
        if (whole.matches()) {
            return values.toJson(Placeholder.fromKey(whole.group(1)).orElseThrow());
        }
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            Object value = values.get(Placeholder.fromKey(matcher.group(1)).orElseThrow());
            matcher.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(value)));
        }
        matcher.appendTail(out);
        return JsonNodeFactory.instance.stringNode(out.toString());
    }

    /** Lists the placeholders used by a graph, for documentation and tools. */
    public static List<String> placeholderKeys() {
        return Placeholder.keys();
    }
}
