package org.text2image.server.generation.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.text2image.server.generation.GenerationLimits;
import org.text2image.server.generation.JobImage;
import org.text2image.server.generation.JobView;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.ui.ModelMap;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.catalog.Model;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.InvalidGenerationRequestException;
import org.text2image.server.generation.JobParameters;
import org.text2image.server.generation.PlanAllowance;
import org.text2image.server.plans.Plan;
import org.text2image.server.pricing.Price;
import org.text2image.server.training.LoraModel;
import org.text2image.server.training.LoraModels;

/**
 * Builds what the Generate page and its live fragments show: the models, the limits, the
 * generator status, the cost line and the size hints, and what the user's plan allows
 * ({@link PlanAllowance}): the plan's name, the batch limit, the parameters it may set, and the
 * models it does not open (shown disabled with the plan that unlocks them) or counts per week; and
 * the user's own LoRAs (the "My models" group, {@code lora:<id>}), each priced and limited as its
 * base model.
 */
@Component
class GeneratePageModel {

    /** Sizes are not refused when they are not multiples of this; the form only recommends it. */
    static final int SIZE_MULTIPLE = 64;
    /** Jobs shown in the "Recent" column. */
    static final int RECENT_JOBS = 6;
    /** Jobs whose images an image-to-video model offers to start from. */
    static final int INPUT_IMAGE_CHOICES = 24;
    /** The form fields a plan's parameter access may lock ({@link PlanAllowance#groupOf(String)}). */
    private static final List<String> PLAN_FIELDS = List.of("negativePrompt", "seed", "steps", "cfgScale", "sampler",
            "scheduler");
    private static final Set<String> ADVANCED_FIELDS = Set.of("seed", "steps", "cfgScale", "sampler", "scheduler");

    private final GenerationService generation;
    private final CreditStatements statements;
    private final LoraModels loras;

    GeneratePageModel(GenerationService generation, CreditStatements statements, LoraModels loras) {
        this.generation = generation;
        this.statements = statements;
        this.loras = loras;
    }

    /**
     * One of the user's LoRAs in the model list.
     *
     * @param value the model field's value, {@code lora:<id>}
     * @param label "{@code <name> (<base model's name>)}"
     * @param triggerWord the word prompts use to call it
     * @param baseModelId the model it runs on
     */
    record LoraChoice(String value, String label, String triggerWord, String baseModelId) {
    }

    /** The user's own LoRAs, newest first (an admin sees only their own too). */
    List<LoraChoice> loraChoices(SignedInUser user) {
        return loras.loras(user.id()).stream().map(this::choice).toList();
    }

    private LoraChoice choice(LoraModel lora) {
        String base = generation.models().stream().filter(m -> m.id().equals(lora.baseModelId())).findFirst()
                .map(Model::name).orElse(lora.baseModelId());
        return new LoraChoice(GenerateForm.loraValue(lora.id()), lora.name() + " (" + base + ")", lora.triggerWord(),
                lora.baseModelId());
    }

    /**
     * Why each of the user's LoRAs cannot be picked now, by its field value: its base model's plan
     * lock ("not in your plan", "none left this week"), the fleet lacking the base model, or the
     * base model no longer offered. A LoRA without an entry can be picked.
     */
    static Map<String, String> loraLocks(List<LoraChoice> choices, List<Model> models, Map<String, String> modelLocks,
                                         Set<String> unavailable) {
        Set<String> offered = models.stream().map(Model::id).collect(Collectors.toSet());
        Map<String, String> locks = new LinkedHashMap<>();
        for (LoraChoice choice : choices) {
            String base = choice.baseModelId();
            if (!offered.contains(base)) {
                locks.put(choice.value(), "its base model is not offered now");
            } else if (modelLocks.containsKey(base)) {
                locks.put(choice.value(), modelLocks.get(base));
            } else if (unavailable.contains(base)) {
                locks.put(choice.value(), "unavailable: no GPU worker has its base model");
            }
        }
        return locks;
    }

    /** A fresh form for {@code model} whose video length and size the user's plan accepts ({@link GenerateForm#defaults(Model, Plan.VideoLimits)}). */
    GenerateForm defaults(SignedInUser user, Model model) {
        return GenerateForm.defaults(model, generation.allowance(user.id()).plan().video());
    }

    /** The user's LoRA the model field names ({@code lora:<id>}), if it is theirs and not deleted. */
    Optional<LoraChoice> selectedLora(SignedInUser user, String modelValue) {
        return GenerateForm.loraId(modelValue).flatMap(id -> loras.usable(id, user.id())).map(this::choice);
    }

    /**
     * The model the form's field stands for: a LoRA's base model, else {@link #selectedModel(String)}.
     */
    Model selectedModel(SignedInUser user, String modelValue) {
        return selectedModel(selectedLora(user, modelValue).map(LoraChoice::baseModelId).orElse(modelValue));
    }

    /**
     * The cost line: the price for this model, size and batch size with its breakdown, or null
     * when they are not valid.
     *
     * @param availableCredits the user's available balance
     */
    record Cost(Price price, long availableCredits) {

        /** The total, or null without a price. */
        public Long priceCredits() {
            return price == null ? null : price.totalCredits();
        }

        /** Whether the balance covers the price. */
        public boolean affordable() {
            return price != null && price.totalCredits() <= availableCredits;
        }
    }

    /** Fills the whole Generate page. */
    void fill(ModelMap model, SignedInUser user, GenerateForm form, Map<String, String> errors) {
        List<Model> models = generation.models();
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        Set<String> unavailable = generation.unavailableModelIds();
        PlanAllowance allowance = fillAllowance(model, user);
        Map<String, String> locks = new LinkedHashMap<>();
        Map<String, String> weekly = new LinkedHashMap<>();
        for (Model m : models) {
            Optional<String> lock = allowance.lock(m);
            if (lock.isPresent()) {
                locks.put(m.id(), lock.get());
                continue;
            }
            generation.imagesLeftThisWeek(user.id(), m, allowance).ifPresent(left -> {
                if (left == 0) {
                    locks.put(m.id(), "none left this week");
                } else {
                    weekly.put(m.id(), left + " of " + allowance.accessTo(m).imagesPerWeek() + " left this week");
                }
            });
        }
        model.addAttribute("models", models);
        model.addAttribute("unavailableModels", unavailable);
        model.addAttribute("modelLocks", locks);
        model.addAttribute("modelWeekly", weekly);
        List<LoraChoice> loraChoices = loraChoices(user);
        model.addAttribute("loras", loraChoices);
        model.addAttribute("loraLocks", loraLocks(loraChoices, models, locks, unavailable));
        model.addAttribute("pickModel", models.size() > 1 || !loraChoices.isEmpty());
        model.addAttribute("selectedLora", selectedLora(user, form.modelId()).orElse(null));
        model.addAttribute("selectedModel", form.modelId() == null || form.modelId().isBlank()
                ? models.stream().filter(m -> !unavailable.contains(m.id()) && !locks.containsKey(m.id())).findFirst()
                        .orElse(models.getFirst())
                : selectedModel(user, form.modelId()));
        fillModelFields(model, user, (Model) model.get("selectedModel"), allowance);
        model.addAttribute("generator", generation.generatorStatus());
        model.addAttribute("advancedOpen", errors.keySet().stream().anyMatch(ADVANCED_FIELDS::contains));
        model.addAttribute("recent", generation.history(user.id(), 0, RECENT_JOBS).jobs());
        fillLive(model, user, form.modelId(), form.batchSize(), form.width(), form.height(), form.frames());
    }

    /**
     * What the size and video fields need for the selected model (the page, and the
     * {@code /generate/advanced} fragment when the model changes): the limits, the batch limit and
     * the plan that allows more, and for a video model its size presets and, when it starts from an
     * image, the user's own images to choose from ({@value #INPUT_IMAGE_CHOICES} newest); with one of
     * the user's LoRAs picked, whether workers are online but none runs LoRAs on its base model.
     */
    void fillModelFields(ModelMap model, SignedInUser user, Model selected, PlanAllowance allowance) {
        model.addAttribute("limits", generation.limits());
        int batchLimit = allowance.batchLimit(generation.limits().maxBatchSize());
        model.addAttribute("batchLimit", batchLimit);
        // The plan that allows more images a request, when the site's limit allows more too.
        model.addAttribute("batchUpgrade", batchLimit < generation.limits().maxBatchSize()
                ? allowance.allowingBatch(batchLimit + 1).map(p -> p.name()).orElse(null) : null);
        model.addAttribute("inputImages", selected.isVideo() && selected.video().imageInput()
                ? inputImages(user) : List.of());
        model.addAttribute("videoLimits", allowance.plan().video());
        GenerationLimits limits = generation.limits();
        model.addAttribute("sizeMaxWidth", selected.isVideo() ? selected.video().maxWidth() : limits.maxWidth());
        model.addAttribute("sizeMaxHeight", selected.isVideo() ? selected.video().maxHeight() : limits.maxHeight());
        // With one of the user's LoRAs picked: workers are online, but none runs LoRAs on its base model.
        model.addAttribute("noWorkerRunsLoras", model.get("selectedLora") != null
                && generation.noWorkerRunsLoras(selected.checkpoint()));
    }

    /** Images a video can start from: the user's newest PNG and JPEG images, each with its job's prompt. */
    private List<InputImageChoice> inputImages(SignedInUser user) {
        List<InputImageChoice> choices = new java.util.ArrayList<>();
        for (JobView job : generation.history(user.id(), 0, INPUT_IMAGE_CHOICES).jobs()) {
            for (JobImage image : job.images()) {
                if (image.contentType().equals("image/png") || image.contentType().equals("image/jpeg")) {
                    choices.add(new InputImageChoice(image.id().toString(), job,
                            abbreviate(job.parameters().prompt()) + (job.images().size() > 1
                                    ? " (" + (image.position() + 1) + " of " + job.images().size() + ")" : "")));
                }
            }
        }
        return choices;
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 59) + "…";
    }

    /**
     * One image the user may start a video from.
     *
     * @param id the image id (the form's {@code inputImageId})
     * @param job the job that made it
     * @param label its job's prompt, abbreviated, with its place in a batch
     */
    record InputImageChoice(String id, JobView job, String label) {
    }

    /**
     * What the user's plan allows, for the page and the {@code /generate/advanced} fragment:
     * {@code allowance}, {@code showPlan} (false without a plans file) and {@code lockedParameters}
     * (one sentence per locked group with the plan that opens it).
     */
    PlanAllowance fillAllowance(ModelMap model, SignedInUser user) {
        PlanAllowance allowance = generation.allowance(user.id());
        model.addAttribute("allowance", allowance);
        model.addAttribute("showPlan", !allowance.catalogue().isEmpty());
        List<String> locked = new java.util.ArrayList<>();
        if (!allowance.allows(PlanAllowance.ParameterGroup.ADVANCED)) {
            locked.add("Steps, CFG scale, sampler and negative prompt" + plan(allowance, PlanAllowance.ParameterGroup.ADVANCED));
        }
        if (!allowance.allows(PlanAllowance.ParameterGroup.FULL)) {
            locked.add("Seed and scheduler" + plan(allowance, PlanAllowance.ParameterGroup.FULL));
        }
        model.addAttribute("lockedParameters", locked);
        model.addAttribute("planFields", PLAN_FIELDS);
        return allowance;
    }

    private static String plan(PlanAllowance allowance, PlanAllowance.ParameterGroup group) {
        return allowance.allowing(group).map(p -> ": " + p.name() + " plan.").orElse(": not in any plan.");
    }

    /** "Re-use these settings" as the user's plan allows it now ({@link GenerateForm#of(JobParameters, PlanAllowance, int, boolean)}). */
    GenerateForm reusing(SignedInUser user, JobParameters job) {
        PlanAllowance allowance = generation.allowance(user.id());
        boolean modelOpen = generation.models().stream().filter(m -> m.id().equals(job.modelId())).findFirst()
                .map(m -> allowance.lock(m).isEmpty()).orElse(false);
        GenerateForm form = GenerateForm.of(job, allowance, allowance.batchLimit(generation.limits().maxBatchSize()),
                modelOpen);
        if (job.hasLora() && modelOpen && loras.usable(job.lora().id(), user.id()).isEmpty()) {
            return form.choosing(job.modelId(), ""); // the LoRA was deleted: its base model alone
        }
        return form;
    }

    /** Fills the cost line and the size hints (the page and the {@code /generate/quote} fragment). */
    void fillLive(ModelMap model, SignedInUser user, String modelId, String batchSize, String width, String height,
                  String frames) {
        model.addAttribute("cost", new Cost(price(user, modelId, batchSize, width, height, frames),
                statements.balance(user.id()).availableCredits()));
        model.addAttribute("costForVideo", selectedModel(user, modelId).isVideo());
        Map<String, String> hints = new LinkedHashMap<>();
        // A video model's sizes come from its presets (the sizes it was trained on), not multiples of 64.
        if (!selectedModel(user, modelId).isVideo()) {
            sizeHint(width, generation.limits().maxWidth()).ifPresent(hint -> hints.put("width", hint));
            sizeHint(height, generation.limits().maxHeight()).ifPresent(hint -> hints.put("height", hint));
        }
        model.addAttribute("hints", hints);
    }

    /** The enabled model with this id, else the default model (so the form always has one). */
    Model selectedModel(String modelId) {
        List<Model> models = generation.models();
        return models.stream().filter(m -> m.id().equals(modelId)).findFirst().orElse(models.getFirst());
    }

    private Price price(SignedInUser user, String modelId, String batchSize, String width, String height,
                        String frames) {
        Map<String, String> errors = new LinkedHashMap<>();
        GenerateForm priced = new GenerateForm(modelId, "", "", width, height, batchSize, "0", "", "", "", "", frames,
                "", "");
        GenerationRequest request = priced.toRequest(errors);
        if (!errors.isEmpty()) {
            return null;
        }
        try {
            // A placeholder prompt: only the model, the size and the batch size matter for the price
            // (within what the user's plan allows).
            // A video model's price depends on its length too; an image-to-video model's input image does not
            // change it, so the quote does not need one.
            Model selected = selectedModel(user, modelId);
            UUID anyImage = selected.isVideo() && selected.video().imageInput() ? new UUID(0, 0) : null;
            return generation.price(user.id(), new GenerationRequest(request.modelId(), "price", null, request.width(),
                    request.height(), selected.isVideo() ? null : request.batchSize(), null, null, null, null, null,
                    selected.isVideo() ? request.frames() : null, null, anyImage, request.loraId(), null));
        } catch (InvalidGenerationRequestException e) {
            return null;
        }
    }

    private Optional<String> sizeHint(String value, int max) {
        int size;
        try {
            size = Integer.parseInt(value == null ? "" : value.strip());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (size < generation.limits().minSize() || size > max || size % SIZE_MULTIPLE == 0) {
            return Optional.empty();
        }
        int lower = size / SIZE_MULTIPLE * SIZE_MULTIPLE;
        int upper = lower + SIZE_MULTIPLE;
        String suggestion = lower < generation.limits().minSize() ? String.valueOf(upper)
                : upper > max ? String.valueOf(lower) : lower + " or " + upper;
        return Optional.of("Not a multiple of 64: it will still work, but " + suggestion
                + " usually gives cleaner results.");
    }
}
