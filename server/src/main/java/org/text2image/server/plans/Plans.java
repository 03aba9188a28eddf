package org.text2image.server.plans;

import java.util.List;
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

    /** The default plan (the one whose prices are 0); empty only when there is no plans file. */
    public Optional<Plan> free() {
        return all.stream().filter(Plan::free).findFirst();
    }
}
