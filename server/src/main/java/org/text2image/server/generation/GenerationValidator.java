package org.text2image.server.generation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.stereotype.Component;
import org.text2image.server.catalog.Model;
import org.text2image.server.pricing.Price;
import org.text2image.server.support.UserText;
import org.text2image.server.pricing.Pricing;
import org.text2image.server.catalog.ModelCatalog;
import org.text2image.server.settings.LiveSettings;
import org.text2image.server.settings.Settings;

/**
 * Checks a {@link GenerationRequest} against the limits in force ({@link #limits()}: the configured
 * ones with the largest size from the live settings) and the chosen model, fills in
 * the model's defaults and prices it. The one place these rules live: the Generate page and the
 * API both come through here.
 */
@Component
public class GenerationValidator {

    /** Random seeds stay below 2^53 so browsers (JavaScript numbers) show them exactly. */
    static final long RANDOM_SEED_BOUND = 1L << 53;

    private final ModelCatalog catalog;
    private final GenerationProperties properties;
    private final LiveSettings settings;
    private final Pricing pricing;

    GenerationValidator(ModelCatalog catalog, GenerationProperties properties, LiveSettings settings, Pricing pricing) {
        this.catalog = catalog;
        this.properties = properties;
        this.settings = settings;
        this.pricing = pricing;
    }

    /** The limits in force now: read again on each use, an admin may change the largest size at any time. */
    public GenerationLimits limits() {
        Settings live = settings.current();
        return new GenerationLimits(properties.minSize(), live.maxWidth(), live.maxHeight(), properties.maxPromptLength(),
                properties.maxBatchSize());
    }

    /**
     * @return the request with defaults filled in and its price
     * @throws InvalidGenerationRequestException with a message per offending field
     */
    public JobParameters validate(GenerationRequest request) {
        Map<String, String> errors = new LinkedHashMap<>();
        GenerationLimits limits = limits();
        Model model = model(request.modelId(), errors);
        String prompt = text("prompt", request.prompt(), true, limits.maxPromptLength(), errors);
        String negative = text("negativePrompt", request.negativePrompt(), false, limits.maxPromptLength(), errors);
        int width = bounded("width", request.width(), model == null ? 512 : model.width(), limits.minSize(),
                limits.maxWidth(), "Width must be between %d and %d pixels.", errors);
        int height = bounded("height", request.height(), model == null ? 512 : model.height(), limits.minSize(),
                limits.maxHeight(), "Height must be between %d and %d pixels.", errors);
        int batch = bounded("batchSize", request.batchSize(), 1, 1, limits.maxBatchSize(),
                "Batch size must be between %d and %d.", errors);
        long seed = request.seed() == null ? ThreadLocalRandom.current().nextLong(RANDOM_SEED_BOUND) : request.seed();
        if (seed < 0) {
            errors.put("seed", "Seed must be between 0 and " + Long.MAX_VALUE + ".");
        }
        if (model == null) {
            throw new InvalidGenerationRequestException(errors);
        }
        Model.Range<Integer> stepRange = model.steps();
        int steps = bounded("steps", request.steps(), stepRange.defaultValue(), stepRange.min(), stepRange.max(),
                "Steps must be between %d and %d for " + model.name() + ".", errors);
        double cfg = cfg(request.cfgScale(), model, errors);
        String sampler = choice("sampler", request.sampler(), model.sampler(), model.samplers(), errors);
        String scheduler = choice("scheduler", request.scheduler(), model.scheduler(), model.schedulers(), errors);
        if (!errors.isEmpty()) {
            throw new InvalidGenerationRequestException(errors);
        }
        return new JobParameters(model.id(), model.checkpoint(), prompt, negative, width, height, batch, seed, steps,
                cfg, sampler, scheduler, pricing.price(model, width, height, batch).totalCredits());
    }

    /** The price of a valid request, with its breakdown ({@link Pricing}). */
    public Price price(JobParameters parameters) {
        Model model = catalog.find(parameters.modelId()).orElseThrow();
        return pricing.price(model, parameters.width(), parameters.height(), parameters.batchSize());
    }

    private Model model(String modelId, Map<String, String> errors) {
        if (modelId == null || modelId.isBlank()) {
            return catalog.defaultModel().orElseThrow();
        }
        Model model = catalog.find(modelId).orElse(null);
        if (model == null) {
            errors.put("modelId", "Unknown model \"" + abbreviate(modelId) + "\".");
        } else if (!model.enabled()) {
            errors.put("modelId", "The model \"" + model.name() + "\" is not available.");
            return null;
        }
        return model;
    }

    /** A prompt or negative prompt, normalised by {@link UserText}; one of invisible characters only counts as empty. */
    private static String text(String field, String value, boolean required, int maxLength, Map<String, String> errors) {
        String text = UserText.normalise(value);
        if (!text.isEmpty() && !UserText.hasVisibleCharacter(text)) {
            if (required) {
                errors.put(field, "This has no visible character, only spaces or invisible characters. "
                        + "Write a prompt: describe the image you want.");
                return text;
            }
            text = "";
        }
        if (required && text.isEmpty()) {
            errors.put(field, "Write a prompt: describe the image you want.");
        } else if (text.length() > maxLength) {
            errors.put(field, "This is " + text.length() + " characters; the limit is " + maxLength + ".");
        } else if (text.indexOf('\0') >= 0) {
            errors.put(field, "This contains a character that is not allowed (NUL).");
        }
        return text;
    }

    private static int bounded(String field, Integer value, int defaultValue, int min, int max, String message,
                               Map<String, String> errors) {
        int v = value == null ? defaultValue : value;
        if (v < min || v > max) {
            errors.put(field, message.formatted(min, max));
        }
        return v;
    }

    private static double cfg(Double value, Model model, Map<String, String> errors) {
        double v = value == null ? model.cfgScale().defaultValue() : value;
        if (Double.isNaN(v) || !model.cfgScale().contains(v)) {
            errors.put("cfgScale", "CFG scale must be between " + model.cfgScale().min() + " and "
                    + model.cfgScale().max() + " for " + model.name() + ".");
        }
        return v;
    }

    private static String choice(String field, String value, String defaultValue, java.util.List<String> allowed,
                                 Map<String, String> errors) {
        String v = value == null || value.isBlank() ? defaultValue : value;
        if (!allowed.contains(v)) {
            errors.put(field, "Unknown " + field + " \"" + abbreviate(v) + "\".");
        }
        return v;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
