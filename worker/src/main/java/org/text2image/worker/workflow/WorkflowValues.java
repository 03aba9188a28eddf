package org.text2image.worker.workflow;

import java.util.EnumMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The values of one job attempt for {@link WorkflowTemplate#render}: text for string placeholders,
 * {@code long} for integers (seed up to 2^63−1), {@code double} for CFG scale.
 */
public record WorkflowValues(Map<Placeholder, Object> values) {

    public WorkflowValues {
        values = Map.copyOf(values);
        values.forEach(WorkflowValues::checkType);
    }

    /** The value for {@code placeholder}, or {@code null} when none was given. */
    public Object get(Placeholder placeholder) {
        return values.get(placeholder);
    }

    JsonNode toJson(Placeholder placeholder) {
        Object value = values.get(placeholder);
        JsonNodeFactory json = JsonNodeFactory.instance;
        return switch (placeholder.type()) {
            case STRING -> json.stringNode((String) value);
            case INTEGER -> json.numberNode(((Number) value).longValue());
            case NUMBER -> json.numberNode(((Number) value).doubleValue());
        };
    }

    private static void checkType(Placeholder placeholder, Object value) {
        boolean ok = switch (placeholder.type()) {
            case STRING -> value instanceof String;
            case INTEGER -> value instanceof Long || value instanceof Integer;
            case NUMBER -> value instanceof Number;
        };
        if (!ok) {
            throw new IllegalArgumentException("{{" + placeholder.key() + "}} needs a "
                    + placeholder.type().name().toLowerCase() + ", got " + value);
        }
    }

    /** A fluent builder, for readable call sites. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects values one placeholder at a time. */
    public static final class Builder {
        private final Map<Placeholder, Object> values = new EnumMap<>(Placeholder.class);

        public Builder put(Placeholder placeholder, Object value) {
            if (value != null) {
                values.put(placeholder, value);
            }
            return this;
        }

        public WorkflowValues build() {
            return new WorkflowValues(values);
        }
    }
}
