package org.text2image.server.generation;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.text2image.server.catalog.Model;
import org.text2image.server.plans.Plan;

/**
 * What a user's plan lets them ask for now (docs/PLANS.md, "Enforcement"): the plan, the user's
 * mature-content opt-in and the plan catalogue (to name the plan that unlocks something). Built by
 * {@link PlanRules#allowanceOf(long)}; read by the validator and the Generate form alike, so the
 * form offers exactly what the server accepts.
 *
 * @param plan the user's plan now ({@code UserPlans.planOf})
 * @param matureOptIn whether the user turned "Show mature models" on (Account page)
 * @param catalogue every plan, in the plans file's order; empty without a plans file
 */
public record PlanAllowance(Plan plan, boolean matureOptIn, List<Plan> catalogue) {

    public PlanAllowance {
        catalogue = List.copyOf(catalogue);
    }

    /** The parameter groups of {@code Plan.ParameterAccess}, each with the form fields it adds. */
    public enum ParameterGroup {
        /** Steps, CFG scale, sampler, negative prompt: from {@code advanced}. */
        ADVANCED(Plan.ParameterAccess.ADVANCED),
        /** Seed, scheduler: only {@code full}. */
        FULL(Plan.ParameterAccess.FULL);

        private final Plan.ParameterAccess needs;

        ParameterGroup(Plan.ParameterAccess needs) {
            this.needs = needs;
        }

        /** The access level that opens this group. */
        public Plan.ParameterAccess needs() {
            return needs;
        }
    }

    /** Whether the plan may set a parameter of {@code group}. */
    public boolean allows(ParameterGroup group) {
        return plan.parameterAccess().compareTo(group.needs()) >= 0;
    }

    /** Whether the plan may set a form field: {@code seed}, {@code steps}, … (basic fields are always allowed). */
    public boolean allowsField(String field) {
        return groupOf(field).map(this::allows).orElse(true);
    }

    /** The group of a form field, or empty for a basic field (prompt, size, model, batch size). */
    public static Optional<ParameterGroup> groupOf(String field) {
        return switch (field) {
            case "steps", "cfgScale", "sampler", "negativePrompt" -> Optional.of(ParameterGroup.ADVANCED);
            case "seed", "scheduler" -> Optional.of(ParameterGroup.FULL);
            default -> Optional.empty();
        };
    }

    /** The most images one request may ask for: the smaller of the site's limit and the plan's. */
    public int batchLimit(int siteMaxBatchSize) {
        return Math.min(siteMaxBatchSize, plan.batchLimit());
    }

    /** The access to a model that the plan gives, before beta, mature and weekly counts. */
    public Plan.ModelAccess accessTo(Model model) {
        return plan.accessTo(model.id());
    }

    /**
     * Why the user may not use a model at all now, as the dropdown shows it after the model's name
     * (such as "Pro plan"); empty when the plan lets them (a limited model may still have no images
     * left this week: {@link PlanRules}).
     */
    public Optional<String> lock(Model model) {
        if (opens(plan, model)) {
            if (model.mature() && !matureOptIn) {
                return Optional.of("turn on mature models in your account");
            }
            return Optional.empty();
        }
        return Optional.of(unlocking(model).map(p -> p.name() + " plan").orElse("not in any plan"));
    }

    /** The first plan in the file's order, other than the user's, that opens the model (access, beta, mature). */
    public Optional<Plan> unlocking(Model model) {
        return first(p -> opens(p, model));
    }

    /** The first plan in the file's order, other than the user's, that allows {@code batchSize} images a request. */
    public Optional<Plan> allowingBatch(int batchSize) {
        return first(p -> p.batchLimit() >= batchSize);
    }

    /** The first plan in the file's order, other than the user's, whose video limits allow this video. */
    public Optional<Plan> allowingVideo(int frames, int width, int height) {
        return first(p -> p.video().allows(frames, width, height));
    }

    /** The first plan in the file's order, other than the user's, that may set a parameter of {@code group}. */
    public Optional<Plan> allowing(ParameterGroup group) {
        return first(p -> p.parameterAccess().compareTo(group.needs()) >= 0);
    }

    /** The first plan, other than the user's, with full access to the model (no weekly count). */
    public Optional<Plan> unlimitedOn(Model model) {
        return first(p -> opens(p, model) && p.accessTo(model.id()).level() == Plan.ModelAccess.Level.FULL);
    }

    /** Whether a plan opens a model: not "none", and beta or mature access when the model is marked so. */
    static boolean opens(Plan plan, Model model) {
        return plan.accessTo(model.id()).level() != Plan.ModelAccess.Level.NONE
                && (!model.beta() || plan.betaAccess()) && (!model.mature() || plan.matureContent());
    }

    private Optional<Plan> first(Predicate<Plan> test) {
        return catalogue.stream().filter(p -> !p.id().equals(plan.id())).filter(test).findFirst();
    }
}
