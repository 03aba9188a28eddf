package org.text2image.server.plans;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.text2image.server.catalog.ModelCatalog;
import tools.jackson.databind.JsonNode;

/** Reads one entry of the plans file into a {@link Plan}; every message names the plan and the field. */
final class PlanReader {

    /** A plan id, as for packs: short, stable, safe in forms and keys. */
    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    static final long MAX_PRICE_MINOR = 1_000_000_000L;
    static final long MAX_CREDITS = 1_000_000_000L;
    static final long MAX_TRAININGS = 100_000L;
    static final int MAX_LIMITED = 1_000_000;
    static final List<Integer> BATCH_LIMITS = List.of(1, 4, 8, 16);
    private static final Set<String> FIELDS = Set.of("id", "name", "currency", "price_minor", "credits", "batch_limit",
            "queue_priority", "parameter_access", "model_access", "mature_content", "beta_access", "lora_trainings", "video");
    private static final Set<String> VIDEO_FIELDS = Set.of("max_frames", "max_pixels");
    static final int MAX_VIDEO_FRAMES = 100_000;
    static final int MAX_VIDEO_PIXELS = 100_000_000;
    private static final Set<String> PERIODS = Set.of("weekly", "yearly");

    private final Path file;
    private final ModelCatalog catalog;

    PlanReader(Path file, ModelCatalog catalog) {
        this.file = file;
        this.catalog = catalog;
    }

    Plan read(int index, JsonNode node) {
        String where = "plan " + (index + 1);
        if (!node.isObject()) {
            throw bad(where + " is not an object");
        }
        String id = text(where, node, "id", 32);
        if (!ID.matcher(id).matches()) {
            throw bad(where + " has id \"" + id + "\": use 1-32 lower-case letters, digits, - or _");
        }
        where = "plan \"" + id + "\"";
        knownFields(where, node, FIELDS);
        String currency = text(where, node, "currency", 3);
        if (!knownCurrency(currency)) {
            throw bad(where + " has \"currency\" \"" + currency + "\": use an upper-case ISO 4217 code such as INR or USD");
        }
        Plan.PerPeriod prices = perPeriod(where, node, "price_minor", MAX_PRICE_MINOR);
        if ((prices.weekly() == 0) != (prices.yearly() == 0)) {
            throw bad(where + " needs \"price_minor\" 0 for both periods (the free plan) or above 0 for both");
        }
        return new Plan(id, text(where, node, "name", PlansLoader.MAX_NAME), currency, prices,
                perPeriod(where, node, "credits", MAX_CREDITS), batchLimit(where, node.get("batch_limit")),
                choice(where, node, "queue_priority", Plan.QueuePriority.class),
                choice(where, node, "parameter_access", Plan.ParameterAccess.class), modelAccess(where, node),
                bool(where, node, "mature_content"), bool(where, node, "beta_access"),
                perPeriod(where, node, "lora_trainings", MAX_TRAININGS), videoLimits(where, node.get("video")));
    }

    /** The optional {@code "video"} limits; each of its two fields is optional too (absent: no limit). */
    private Plan.VideoLimits videoLimits(String where, JsonNode value) {
        if (value == null) {
            return Plan.VideoLimits.NONE;
        }
        if (!value.isObject()) {
            throw bad(where + " needs \"video\" as {\"max_frames\": …, \"max_pixels\": …}, was " + shown(value));
        }
        knownFields(where + " \"video\"", value, VIDEO_FIELDS);
        return new Plan.VideoLimits(limit(where, "max_frames", value.get("max_frames"), MAX_VIDEO_FRAMES),
                limit(where, "max_pixels", value.get("max_pixels"), MAX_VIDEO_PIXELS));
    }

    private int limit(String where, String field, JsonNode value, int max) {
        if (value == null) {
            return Plan.VideoLimits.UNLIMITED;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1 || value.intValue() > max) {
            throw bad(where + " needs \"video\" \"" + field + "\" as a whole number from 1 to " + max + ", was "
                    + shown(value));
        }
        return value.intValue();
    }

    private int batchLimit(String where, JsonNode value) {
        if (value != null && value.isString() && value.stringValue().equals("unlimited")) {
            return Plan.UNLIMITED;
        }
        if (value != null && value.isIntegralNumber() && value.canConvertToInt() && BATCH_LIMITS.contains(value.intValue())) {
            return value.intValue();
        }
        throw bad(where + " needs \"batch_limit\" as 1, 4, 8, 16 or \"unlimited\", was " + shown(value));
    }

    private Map<String, Plan.ModelAccess> modelAccess(String where, JsonNode node) {
        JsonNode access = node.get("model_access");
        if (access == null || !access.isObject()) {
            throw bad(where + " needs \"model_access\" as an object of model id to access, was " + shown(access));
        }
        Map<String, Plan.ModelAccess> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : access.properties()) {
            String model = entry.getKey();
            if (catalog.find(model).isEmpty()) {
                throw bad(where + " has \"model_access\" for \"" + model + "\", which is not in the models file");
            }
            result.put(model, oneModel(where + " has \"model_access\" for \"" + model + "\"", entry.getValue()));
        }
        return result;
    }

    private Plan.ModelAccess oneModel(String where, JsonNode value) {
        if (value.isString() && value.stringValue().equals("none")) {
            return Plan.ModelAccess.NONE;
        }
        if (value.isString() && value.stringValue().equals("full")) {
            return Plan.ModelAccess.FULL;
        }
        JsonNode limited = value.isObject() && value.size() == 1 ? value.get("limited") : null;
        if (limited != null && limited.isIntegralNumber() && limited.canConvertToInt()
                && limited.intValue() >= 1 && limited.intValue() <= MAX_LIMITED) {
            return new Plan.ModelAccess(Plan.ModelAccess.Level.LIMITED, limited.intValue());
        }
        throw bad(where + " as " + shown(value) + ": use \"none\", \"full\" or {\"limited\": N} with N images a week"
                + " from 1 to " + MAX_LIMITED);
    }

    private Plan.PerPeriod perPeriod(String where, JsonNode node, String field, long max) {
        JsonNode value = node.get(field);
        if (value == null || !value.isObject()) {
            throw bad(where + " needs \"" + field + "\" as {\"weekly\": …, \"yearly\": …}, was " + shown(value));
        }
        knownFields(where + " \"" + field + "\"", value, PERIODS);
        return new Plan.PerPeriod(amount(where, field, "weekly", value.get("weekly"), max),
                amount(where, field, "yearly", value.get("yearly"), max));
    }

    private long amount(String where, String field, String period, JsonNode value, long max) {
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()
                || value.longValue() < 0 || value.longValue() > max) {
            throw bad(where + " needs \"" + field + "\" \"" + period + "\" as a whole number from 0 to " + max
                    + (field.equals("price_minor") ? " in the currency's minor unit (49900 for ₹499.00)" : "")
                    + ", was " + shown(value));
        }
        return value.longValue();
    }

    private <E extends Enum<E>> E choice(String where, JsonNode node, String field, Class<E> type) {
        List<String> keys = Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        JsonNode value = node.get(field);
        if (value == null || !value.isString() || !keys.contains(value.stringValue())) {
            throw bad(where + " needs \"" + field + "\" as one of " + String.join(", ", keys) + ", was " + shown(value));
        }
        return Enum.valueOf(type, value.stringValue().toUpperCase(Locale.ROOT));
    }

    private boolean bool(String where, JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isBoolean()) {
            throw bad(where + " needs \"" + field + "\" as true or false, was " + shown(value));
        }
        return value.booleanValue();
    }

    private String text(String where, JsonNode node, String field, int max) {
        JsonNode value = node.get(field);
        String text = value != null && value.isString() ? value.stringValue().strip() : "";
        if (text.isEmpty() || text.length() > max || text.chars().anyMatch(Character::isISOControl)) {
            throw bad(where + " needs \"" + field + "\" as text of 1-" + max + " characters without control characters,"
                    + " was " + shown(value));
        }
        return text;
    }

    private void knownFields(String where, JsonNode node, Set<String> known) {
        for (String field : node.propertyNames()) {
            if (!known.contains(field)) {
                throw bad(where + " has an unknown field \"" + field + "\" (known: "
                        + known.stream().sorted().collect(Collectors.joining(", ")) + ")");
            }
        }
    }

    /** An upper-case ISO 4217 code Java knows (the same rule as the packs file's). */
    private static boolean knownCurrency(String code) {
        return code.matches("[A-Z]{3}") && Currency.getAvailableCurrencies().stream()
                .anyMatch(currency -> currency.getCurrencyCode().equals(code));
    }

    /** A value as the message shows it: "missing", or its JSON cut to 60 characters. */
    private static String shown(JsonNode value) {
        if (value == null) {
            return "missing";
        }
        String json = value.toString();
        return json.length() > 60 ? json.substring(0, 60) + "…" : json;
    }

    private InvalidPlansException bad(String problem) {
        return new InvalidPlansException(file, problem);
    }
}
