package org.text2image.server.plans;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plan catalogue, read once at start-up from the plans file ({@link PlansLoader}).
 *
 * @param file the plans file they came from, for messages
 * @param all in the file's order, exactly one of them free; empty when the file does not exist
 */
public record Plans(String file, List<Plan> all) {

    public Plans {
        all = List.copyOf(all);
    }

    /** The plan with this id; empty for an unknown or null id. */
    public Optional<Plan> find(String id) {
        return id == null ? Optional.empty() : all.stream().filter(plan -> plan.id().equals(id)).findFirst();
    }

    /**
     * The plan of a site without a plans file: nothing limited (any batch up to the site's limit,
     * every parameter and model, standard priority). Mature models still need the user's opt-in.
     */
    public static final Plan UNRESTRICTED = new Plan("none", "No plan", "INR", new Plan.PerPeriod(0, 0),
            new Plan.PerPeriod(0, 0), Plan.UNLIMITED, Plan.QueuePriority.STANDARD, Plan.ParameterAccess.FULL, Map.of(),
            true, true, new Plan.PerPeriod(0, 0));

    /** The default plan (the one whose prices are 0); empty only when there is no plans file. */
    public Optional<Plan> free() {
        return all.stream().filter(Plan::free).findFirst();
    }

    /** The plan of a user without a paid term: the free plan, or {@link #UNRESTRICTED} without a plans file. */
    public Plan defaultPlan() {
        return free().orElse(UNRESTRICTED);
    }

    /** Whether moving from {@code from} to {@code to} is an upgrade: {@code to} costs more a week. */
    public static boolean isUpgrade(Plan from, Plan to) {
        return to.priceMinor().weekly() > from.priceMinor().weekly();
    }
}
