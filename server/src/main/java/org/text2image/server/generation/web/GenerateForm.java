package org.text2image.server.generation.web;

import java.util.Optional;
import java.util.UUID;
import java.util.Map;
import org.text2image.server.catalog.Model;
import org.text2image.server.catalog.VideoSpec;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobParameters;
import org.text2image.server.generation.LoraRules;
import org.text2image.server.generation.PlanAllowance;
import org.text2image.server.plans.Plan;

/**
 * The Generate form exactly as typed. Every field is a String so that a non-number ("abc", "1.5"
 * for a width) becomes a message beside the field instead of a 400 page, and the user's input is
 * shown again unchanged. An empty number means "the model's default" (for the seed: random).
 * The model is a catalog model's id or {@code lora:<id>} for one of the user's LoRAs ("My models"),
 * with its {@code loraStrength}.
 */
record GenerateForm(String modelId, String prompt, String negativePrompt, String width, String height,
                    String batchSize, String seed, String steps, String cfgScale, String sampler, String scheduler,
                    String frames, String fps, String inputImageId, String loraStrength) {

    /** How the model field names one of the user's LoRAs: {@code lora:<uuid>}. */
    static final String LORA_PREFIX = "lora:";
    /** A video size scaled down to a plan's limit is a multiple of this many pixels each way. */
    static final int SIZE_STEP = 16;

    /** A form without a LoRA. */
    GenerateForm(String modelId, String prompt, String negativePrompt, String width, String height, String batchSize,
                 String seed, String steps, String cfgScale, String sampler, String scheduler, String frames,
                 String fps, String inputImageId) {
        this(modelId, prompt, negativePrompt, width, height, batchSize, seed, steps, cfgScale, sampler, scheduler,
                frames, fps, inputImageId, "");
    }

    /** A form without video settings (an image model's). */
    GenerateForm(String modelId, String prompt, String negativePrompt, String width, String height, String batchSize,
                 String seed, String steps, String cfgScale, String sampler, String scheduler) {
        this(modelId, prompt, negativePrompt, width, height, batchSize, seed, steps, cfgScale, sampler, scheduler,
                "", "", "");
    }

    /** A fresh form with the model's defaults and a random seed (for a video model, its default length and rate). */
    static GenerateForm defaults(Model model) {
        return new GenerateForm(model.id(), "", "", String.valueOf(model.width()), String.valueOf(model.height()), "1",
                "", String.valueOf(model.steps().defaultValue()), decimal(model.cfgScale().defaultValue()),
                model.sampler(), model.scheduler(),
                model.isVideo() ? String.valueOf(model.video().frames().defaultValue()) : "",
                model.isVideo() ? String.valueOf(model.video().fps().defaultValue()) : "", "");
    }

    /**
     * A fresh form ({@link #defaults(Model)}) whose video length and size a plan with {@code limits}
     * accepts, so that its defaults are not refused at submit: frames above {@code maxFrames} become
     * the longest length the model's frames rule allows up to it (kept when even the model's shortest
     * is above it), and a size above {@code maxPixels} becomes the largest of the model's size presets
     * within it, else the default size scaled down with its aspect ratio kept, to multiples of
     * {@value #SIZE_STEP} pixels. An image model's form is returned as it is.
     */
    static GenerateForm defaults(Model model, Plan.VideoLimits limits) {
        GenerateForm form = defaults(model);
        if (!model.isVideo()) {
            return form;
        }
        VideoSpec video = model.video();
        int frames = video.frames().defaultValue();
        if (frames > limits.maxFrames()) {
            int longest = video.framesRule().nearest(limits.maxFrames())[0];
            frames = longest >= video.frames().min() ? longest : frames;
        }
        int width = model.width();
        int height = model.height();
        if ((long) width * height > limits.maxPixels()) {
            Optional<VideoSpec.Size> preset = video.sizes().stream()
                    .filter(size -> (long) size.width() * size.height() <= limits.maxPixels())
                    .max(java.util.Comparator.comparingLong(size -> (long) size.width() * size.height()));
            if (preset.isPresent()) {
                width = preset.get().width();
                height = preset.get().height();
            } else {
                double scale = Math.sqrt((double) limits.maxPixels() / ((long) width * height));
                width = Math.max(SIZE_STEP, (int) (width * scale) / SIZE_STEP * SIZE_STEP);
                height = Math.max(SIZE_STEP, (int) (height * scale) / SIZE_STEP * SIZE_STEP);
            }
        }
        return new GenerateForm(form.modelId, form.prompt, form.negativePrompt, String.valueOf(width),
                String.valueOf(height), form.batchSize, form.seed, form.steps, form.cfgScale, form.sampler, form.scheduler,
                String.valueOf(frames), form.fps, form.inputImageId, form.loraStrength);
    }

    /** This form with the seed and negative prompt the user had typed (null keeps this form's). */
    GenerateForm keeping(String typedSeed, String typedNegativePrompt) {
        return new GenerateForm(modelId, prompt, typedNegativePrompt == null ? negativePrompt : typedNegativePrompt,
                width, height, batchSize, typedSeed == null ? seed : typedSeed, steps, cfgScale, sampler, scheduler,
                frames, fps, inputImageId, loraStrength);
    }

    /** This form with the model field set to {@code value} ({@code lora:<id>} or a model id) and the LoRA strength given. */
    GenerateForm choosing(String value, String strength) {
        return new GenerateForm(value, prompt, negativePrompt, width, height, batchSize, seed, steps, cfgScale, sampler,
                scheduler, frames, fps, inputImageId, strength);
    }

    /** The model field's value for a LoRA. */
    static String loraValue(UUID loraId) {
        return LORA_PREFIX + loraId;
    }

    /** The LoRA the model field names ({@code lora:<uuid>}), empty for a catalog model or a malformed value. */
    static Optional<UUID> loraId(String modelValue) {
        if (modelValue == null || !modelValue.strip().startsWith(LORA_PREFIX)) {
            return Optional.empty();
        }
        return UrlIds.parse(modelValue.strip().substring(LORA_PREFIX.length()).strip());
    }

    /** Whether the model field names a LoRA (well-formed or not). */
    boolean namesLora() {
        return modelId != null && modelId.strip().startsWith(LORA_PREFIX);
    }

    /**
     * The validator's field errors as the form shows them: a refused LoRA ({@code loraId}) beside
     * the model field.
     */
    static Map<String, String> formErrors(Map<String, String> errors) {
        Map<String, String> shown = new java.util.LinkedHashMap<>();
        errors.forEach((field, message) -> shown.putIfAbsent(field.equals("loraId") ? "modelId" : field, message));
        return shown;
    }

    /** "Re-use these settings": every parameter of an earlier job, including its seed and LoRA. */
    static GenerateForm of(JobParameters job) {
        JobParameters.Video video = job.video();
        return new GenerateForm(job.hasLora() ? loraValue(job.lora().id()) : job.modelId(), job.prompt(), job.negativePrompt(), String.valueOf(job.width()),
                String.valueOf(job.height()), String.valueOf(job.batchSize()), String.valueOf(job.seed()),
                String.valueOf(job.steps()), decimal(job.cfgScale()), job.sampler(), job.scheduler(),
                video == null ? "" : String.valueOf(video.frames()), video == null ? "" : String.valueOf(video.fps()),
                video == null || video.inputImageId() == null ? "" : video.inputImageId().toString(),
                job.hasLora() ? decimal(job.lora().strength()) : "");
    }

    /**
     * "Re-use these settings" for the user's plan now (it may be lower than when the job ran): as
     * {@link #of(JobParameters)} without the parameters the plan may not set (left empty: the
     * model's defaults, a random seed), the batch size cut to the plan's limit and a model the user
     * may not use now replaced by the default one, so that the server accepts the form as shown.
     *
     * @param batchLimit the most images a request may ask for ({@link PlanAllowance#batchLimit(int)})
     * @param modelOpen whether the user may use the job's model now
     */
    static GenerateForm of(JobParameters job, PlanAllowance allowance, int batchLimit, boolean modelOpen) {
        GenerateForm all = of(job);
        return new GenerateForm(modelOpen ? all.modelId : "", all.prompt, allowed("negativePrompt", all.negativePrompt, allowance),
                all.width, all.height, String.valueOf(Math.clamp(job.batchSize(), 1, Math.max(1, batchLimit))),
                allowed("seed", all.seed, allowance), allowed("steps", all.steps, allowance),
                allowed("cfgScale", all.cfgScale, allowance), allowed("sampler", all.sampler, allowance),
                allowed("scheduler", all.scheduler, allowance), all.frames, all.fps, all.inputImageId, all.loraStrength);
    }

    private static String allowed(String field, String value, PlanAllowance allowance) {
        return allowance.allowsField(field) ? value : "";
    }

    /**
     * The request for {@link GenerationService}; a field that is not a number gets a message in
     * {@code errors} (keyed by field name) and is passed on as null.
     */
    GenerationRequest toRequest(Map<String, String> errors) {
        String model = blankToNull(modelId);
        UUID loraId = null;
        Double strength = null;
        if (namesLora()) {
            loraId = loraId(model).orElse(null);
            if (loraId == null) {
                errors.put("modelId", LoraRules.CHOOSE_YOUR_MODEL);
            }
            model = null;
            strength = strength(errors);
        }
        return new GenerationRequest(model, prompt, negativePrompt,
                whole("width", "Width", width, errors), whole("height", "Height", height, errors),
                whole("batchSize", "Batch size", batchSize, errors), seed(errors),
                whole("steps", "Steps", steps, errors), cfg(errors), blankToNull(sampler), blankToNull(scheduler),
                whole("frames", "Frames", frames, errors), whole("fps", "Frames per second", fps, errors),
                imageId(errors), loraId, strength);
    }

    /** The LoRA strength typed, or null (1) when empty; anything but a finite number gets a message. */
    private Double strength(Map<String, String> errors) {
        if (loraStrength == null || loraStrength.isBlank()) {
            return null;
        }
        String text = loraStrength.strip();
        try {
            double value = text.length() <= 40 && text.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.'
                    || c == '-' || c == '+' || c == 'e' || c == 'E') ? Double.parseDouble(text) : Double.NaN;
            if (Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        errors.put("loraStrength", "LoRA strength must be a number from −2 to 2, such as 1 or 0.75.");
        return null;
    }

    private UUID imageId(Map<String, String> errors) {
        if (inputImageId == null || inputImageId.isBlank()) {
            return null;
        }
        Optional<UUID> id = UrlIds.parse(inputImageId.strip());
        if (id.isEmpty()) {
            errors.put("inputImageId", "Choose one of your own images (a PNG or JPEG) to start the video from.");
        }
        return id.orElse(null);
    }

    private static Integer whole(String field, String label, String value, Map<String, String> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            // Parsed as long so that a huge number gets the validator's range message, not this one.
            return (int) Math.clamp(Long.parseLong(value.strip()), Integer.MIN_VALUE, Integer.MAX_VALUE);
        } catch (NumberFormatException e) {
            errors.put(field, label + " must be a whole number.");
            return null;
        }
    }

    private Long seed(Map<String, String> errors) {
        if (seed == null || seed.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(seed.strip());
        } catch (NumberFormatException e) {
            errors.put("seed", "Seed must be a whole number from 0 to " + Long.MAX_VALUE + ", or empty for a random one.");
            return null;
        }
    }

    private Double cfg(Map<String, String> errors) {
        if (cfgScale == null || cfgScale.isBlank()) {
            return null;
        }
        try {
            double value = Double.parseDouble(cfgScale.strip());
            if (Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        errors.put("cfgScale", "CFG scale must be a number, such as 7 or 7.5.");
        return null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** {@code 7.0 → "7"}, {@code 7.5 → "7.5"}: how a person would type it. */
    static String decimal(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value) : String.valueOf(value);
    }
}
