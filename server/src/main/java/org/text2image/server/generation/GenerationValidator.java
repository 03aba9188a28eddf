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
 * ones with the largest size from the live settings), the chosen model and the user's plan
 * ({@link PlanAllowance}), fills in the model's defaults and prices it. The one place these rules
 * live: the Generate page and the API both come through here.
 */
@Component
public class GenerationValidator {

    /** Random seeds stay below 2^53 so browsers (JavaScript numbers) show them exactly. */
    static final long RANDOM_SEED_BOUND = 1L << 53;

    private final ModelCatalog catalog;
    private final GenerationProperties properties;
    private final LiveSettings settings;
    private final Pricing pricing;
    private final LoraRules loraRules;

    GenerationValidator(ModelCatalog catalog, GenerationProperties properties, LiveSettings settings, Pricing pricing,
                        LoraRules loraRules) {
        this.catalog = catalog;
        this.loraRules = loraRules;
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
     * Checks a request against the site's limits and the model only (no user's plan): a quote.
     *
     * @return the request with defaults filled in and its price
     * @throws InvalidGenerationRequestException with a message per offending field
     */
    public JobParameters validate(GenerationRequest request) {
        return validate(request, null, false);
    }

    /**
     * Checks a request as {@link #validate(GenerationRequest)} and against the user's plan
     * (docs/PLANS.md, "Enforcement"): the batch size up to the smaller of the site's and the plan's
     * limit; no value for a parameter outside the plan's access level (such a field is left to the
     * model's default, the seed drawn at random); a model the plan opens, beta and mature ones only
     * when it allows them, mature ones only after the user's opt-in. Each refusal names the plan that
     * allows it. A limited model's weekly count is checked at enqueue, after the credit hold
     * ({@link PlanRules}).
     *
     * @param allowance the user's plan now
     * @param parameterAccess whether to apply the plan's parameter access (false only for an admin's
     *     re-run of a job, which repeats the job's own settings, its drawn seed included)
     * @return the request with defaults filled in and its price
     * @throws InvalidGenerationRequestException with a message per offending field
     */
    public JobParameters validate(GenerationRequest request, PlanAllowance allowance, boolean parameterAccess) {
        return validate(request, allowance, parameterAccess, null);
    }

    /**
     * {@link #validate(GenerationRequest, PlanAllowance, boolean)} for a user who may ask for one
     * of their LoRAs ({@link GenerationRequest#loraId()}, {@link LoraRules}): the job then runs the
     * LoRA's base model, priced and limited as that model, and the LoRA (with its strength) is on
     * the parameters. A LoRA that is unknown, deleted or another user's is refused under
     * {@code loraId} with {@value LoraRules#CHOOSE_YOUR_MODEL}.
     *
     * @param userId the requesting user; null refuses every LoRA
     */
    public JobParameters validate(GenerationRequest request, PlanAllowance allowance, boolean parameterAccess,
                                  Long userId) {
        Map<String, String> errors = new LinkedHashMap<>();
        GenerationLimits limits = limits();
        org.text2image.server.training.LoraModel lora = loraRules.lora(request, userId, errors);
        boolean loraRefused = request.loraId() != null && lora == null;
        if (lora != null) {
            request = new GenerationRequest(lora.baseModelId(), request.prompt(), request.negativePrompt(),
                    request.width(), request.height(), request.batchSize(), request.seed(), request.steps(),
                    request.cfgScale(), request.sampler(), request.scheduler(), request.frames(), request.fps(),
                    request.inputImageId(), request.loraId(), request.loraStrength());
        }
        Model model = loraRefused ? null : model(request.modelId(), errors);
        if (model != null && lora != null && !LoraRules.baseTakesLora(model, errors)) {
            model = null;
        }
        double loraStrength = lora == null ? 0 : LoraRules.strength(request.loraStrength(), errors);
        if (model != null && allowance != null) {
            String refused = PlanRules.modelRefused(model, allowance);
            if (refused != null) {
                errors.put("modelId", refused);
            }
        }
        String prompt = text("prompt", request.prompt(), true, limits.maxPromptLength(), errors);
        String negative = text("negativePrompt", request.negativePrompt(), false, limits.maxPromptLength(), errors);
        boolean video = model != null && model.isVideo();
        // A video model's own bounds replace the site's largest image size (docs/MODELS.md, "Video models").
        int maxWidth = video ? model.video().maxWidth() : limits.maxWidth();
        int maxHeight = video ? model.video().maxHeight() : limits.maxHeight();
        int width = bounded("width", request.width(), model == null ? 512 : model.width(), limits.minSize(),
                maxWidth, "Width must be between %d and %d pixels" + (video ? " for " + model.name() + "." : "."), errors);
        int height = bounded("height", request.height(), model == null ? 512 : model.height(), limits.minSize(),
                maxHeight, "Height must be between %d and %d pixels" + (video ? " for " + model.name() + "." : "."), errors);
        int batchLimit = allowance == null ? limits.maxBatchSize() : allowance.batchLimit(limits.maxBatchSize());
        int batch = request.batchSize() == null ? 1 : request.batchSize();
        if (video) {
            if (batch != 1) {
                errors.put("batchSize", model.name() + " makes one video per job; ask for 1.");
            }
        } else if (allowance != null && batch > batchLimit && batch <= limits.maxBatchSize()) {
            errors.put("batchSize", PlanRules.batchRefused(batch, allowance));
        } else {
            bounded("batchSize", batch, 1, 1, batchLimit, "Batch size must be between %d and %d.", errors);
        }
        GenerationRequest used = model == null ? request : onlyUsed(request, model);
        if (model != null && allowance != null && parameterAccess) {
            used = withoutLockedParameters(used, model.uses("negative_prompt") ? negative : "", allowance, errors);
            if (!allowance.allowsField("negativePrompt")) {
                negative = "";
            }
        }
        long seed = used.seed() == null ? randomSeed(model) : used.seed();
        if (seed < 0) {
            errors.put("seed", "Seed must be between 0 and " + Long.MAX_VALUE + ".");
        }
        if (model == null) {
            throw new InvalidGenerationRequestException(errors);
        }
        Model.Range<Integer> stepRange = model.steps();
        int steps = bounded("steps", used.steps(), stepRange.defaultValue(), stepRange.min(), stepRange.max(),
                "Steps must be between %d and %d for " + model.name() + ".", errors);
        double cfg = cfg(used.cfgScale(), model, errors);
        String sampler = choice("sampler", used.sampler(), model.sampler(), model.samplers(), errors);
        String scheduler = choice("scheduler", used.scheduler(), model.scheduler(), model.schedulers(), errors);
        JobParameters.Video videoSettings = video
                ? VideoRules.check(request, model, width, height, allowance, errors) : null;
        if (!errors.isEmpty()) {
            throw new InvalidGenerationRequestException(errors);
        }
        long price = video ? pricing.video(model, width, height, videoSettings.frames()).totalCredits()
                : pricing.price(model, width, height, batch).totalCredits();
        return new JobParameters(model.id(), model.checkpoint(), prompt, model.uses("negative_prompt") ? negative : "",
                width, height, batch, seed, steps, cfg, sampler, scheduler, price, videoSettings,
                lora == null ? null : new JobParameters.Lora(lora.id(), loraStrength));
    }

    /**
     * A value for a parameter outside the plan's access level is refused, naming the plan that
     * allows it (a forged post: the form does not offer such a field).
     *
     * @return the request without those parameters, so no range message hides the plan's
     */
    private static GenerationRequest withoutLockedParameters(GenerationRequest used, String negative,
                                                             PlanAllowance allowance, Map<String, String> errors) {
        refuse("negativePrompt", !negative.isEmpty(), "A negative prompt", allowance, errors);
        refuse("steps", used.steps() != null, "Setting the steps", allowance, errors);
        refuse("cfgScale", used.cfgScale() != null, "Setting the CFG scale", allowance, errors);
        refuse("sampler", used.sampler() != null && !used.sampler().isBlank(), "Choosing the sampler", allowance, errors);
        refuse("seed", used.seed() != null, "Choosing the seed", allowance, errors);
        refuse("scheduler", used.scheduler() != null && !used.scheduler().isBlank(), "Choosing the scheduler",
                allowance, errors);
        return new GenerationRequest(used.modelId(), used.prompt(), used.negativePrompt(), used.width(), used.height(),
                used.batchSize(), allowance.allowsField("seed") ? used.seed() : null,
                allowance.allowsField("steps") ? used.steps() : null,
                allowance.allowsField("cfgScale") ? used.cfgScale() : null,
                allowance.allowsField("sampler") ? used.sampler() : null,
                allowance.allowsField("scheduler") ? used.scheduler() : null);
    }

    private static void refuse(String field, boolean given, String label, PlanAllowance allowance,
                               Map<String, String> errors) {
        if (given && !allowance.allowsField(field)) {
            errors.put(field, PlanRules.parameterRefused(label, PlanAllowance.groupOf(field).orElseThrow(), allowance));
        }
    }

    /**
     * The request without the parameters the model's workflow template does not use (no
     * {@code {{steps}}}, …): they could not change the image, so they are ignored, neither checked
     * nor refused, and the job keeps the model's defaults for them (seed 0, no negative prompt).
     * A form switched from another model, or an old "re-use these settings" link, still submits.
     */
    private static GenerationRequest onlyUsed(GenerationRequest request, Model model) {
        return new GenerationRequest(request.modelId(), request.prompt(), request.negativePrompt(), request.width(),
                request.height(), request.batchSize(), model.uses("seed") ? request.seed() : null,
                model.uses("steps") ? request.steps() : null, model.uses("cfg") ? request.cfgScale() : null,
                model.uses("sampler") ? request.sampler() : null, model.uses("scheduler") ? request.scheduler() : null);
    }

    private static long randomSeed(Model model) {
        return model == null || model.uses("seed") ? ThreadLocalRandom.current().nextLong(RANDOM_SEED_BOUND) : 0;
    }

    /** The price of a valid request, with its breakdown ({@link Pricing}). */
    public Price price(JobParameters parameters) {
        Model model = catalog.find(parameters.modelId()).orElseThrow();
        if (parameters.isVideo() && model.isVideo()) {
            return pricing.video(model, parameters.width(), parameters.height(), parameters.video().frames());
        }
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
