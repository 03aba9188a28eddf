package org.text2image.server.catalog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.text2image.worker.workflow.InvalidWorkflowTemplateException;
import org.text2image.worker.workflow.WorkflowTemplate;
import tools.jackson.databind.JsonNode;

/** Reads one entry of the models file into a {@link Model}, with defaults and checks. */
final class ModelReader {

    private ModelReader() {
    }

    static Model read(Path file, JsonNode node, ModelCatalogLoader.JsonFiles files) {
        String id = requiredText(file, node, "id", "a model");
        if (!id.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
            throw new InvalidModelCatalogException(file, "model id \"" + id + "\" must be lower-case letters, digits, . _ -");
        }
        String where = "model \"" + id + "\"";
        Path templatePath = file.getParent().resolve(requiredText(file, node, "workflow", where)).normalize();
        WorkflowTemplate template;
        try {
            template = WorkflowTemplate.of(templatePath.toString(), files.read(templatePath));
        } catch (InvalidWorkflowTemplateException e) {
            throw new InvalidModelCatalogException(file, where + ": " + e.getMessage());
        }
        long cost = node.path("cost_credits").asLong(0);
        if (cost < 1) {
            throw new InvalidModelCatalogException(file, where + " needs \"cost_credits\" ≥ 1");
        }
        Model.Range<Integer> steps = intRange(file, where, node.path("steps"), 20, 1, 100);
        Model.Range<Double> cfg = doubleRange(file, where, node.path("cfg_scale"), 7.0, 1.0, 30.0);
        List<String> samplers = names(node.path("samplers"), ModelCatalogLoader.COMFYUI_SAMPLERS);
        List<String> schedulers = names(node.path("schedulers"), ModelCatalogLoader.COMFYUI_SCHEDULERS);
        String sampler = node.path("sampler").asString("euler");
        String scheduler = node.path("scheduler").asString("normal");
        if (!samplers.contains(sampler) || !schedulers.contains(scheduler)) {
            throw new InvalidModelCatalogException(file, where + ": default sampler/scheduler must be among its samplers/schedulers");
        }
        String kind = node.path("kind").asString("image");
        int width = node.path("width").asInt(512);
        int height = node.path("height").asInt(512);
        VideoSpec video = switch (kind) {
            case "image" -> {
                if (node.has("video")) {
                    throw new InvalidModelCatalogException(file, where + " is an image model; \"video\" needs \"kind\": \"video\"");
                }
                yield null;
            }
            case "video" -> VideoSpecReader.read(file, where, node.path("video"), width, height, template);
            default -> throw new InvalidModelCatalogException(file, where + ": \"kind\" must be \"image\" or \"video\", was \""
                    + kind + "\"");
        };
        return new Model(id, requiredText(file, node, "name", where), node.path("description").asString(""),
                kind, template, node.path("checkpoint").asString(""), cost,
                node.path("enabled").asBoolean(true), width, height,
                steps, cfg, sampler, scheduler, samplers, schedulers, flag(file, where, node, "beta"),
                flag(file, where, node, "mature"), video);
    }

    /** An optional true/false field, false when absent; anything else is refused (a "yes" must not read as false). */
    private static boolean flag(Path file, String where, JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new InvalidModelCatalogException(file, where + " needs \"" + field + "\" as true or false, was " + value);
        }
        return value.booleanValue();
    }

    private static String requiredText(Path file, JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString() || value.stringValue().isBlank()) {
            throw new InvalidModelCatalogException(file, where + " needs a \"" + field + "\" text");
        }
        return value.stringValue();
    }

    private static Model.Range<Integer> intRange(Path file, String where, JsonNode node, int def, int min, int max) {
        Model.Range<Integer> range = new Model.Range<>(node.path("default").asInt(def), node.path("min").asInt(min),
                node.path("max").asInt(max));
        if (range.min() < 1 || !range.contains(range.defaultValue())) {
            throw new InvalidModelCatalogException(file, where + ": steps need 1 ≤ min ≤ default ≤ max");
        }
        return range;
    }

    private static Model.Range<Double> doubleRange(Path file, String where, JsonNode node, double def, double min,
                                                   double max) {
        Model.Range<Double> range = new Model.Range<>(node.path("default").asDouble(def), node.path("min").asDouble(min),
                node.path("max").asDouble(max));
        if (range.min() < 0 || !range.contains(range.defaultValue())) {
            throw new InvalidModelCatalogException(file, where + ": cfg_scale needs 0 ≤ min ≤ default ≤ max");
        }
        return range;
    }

    private static List<String> names(JsonNode node, List<String> fallback) {
        if (!node.isArray() || node.isEmpty()) {
            return fallback;
        }
        List<String> names = new ArrayList<>();
        node.forEach(n -> names.add(n.asString()));
        return List.copyOf(names);
    }
}
