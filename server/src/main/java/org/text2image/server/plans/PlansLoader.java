package org.text2image.server.plans;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.text2image.server.catalog.ModelCatalog;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the plans file ({@code text2image.plans.file}, default {@code ./config/plans.json}) at
 * start-up and fails the start with a message naming the file, the plan and the field when anything
 * is wrong. A missing file means no plans (logged); a present one must hold exactly one free plan
 * (both prices 0), unique ids, and only model ids of the model catalog as it is at start-up.
 *
 * <p>Shape (docs/PLANS.md): {@code {"plans": [{"id", "name", "currency", "price_minor": {"weekly",
 * "yearly"}, "credits": {"weekly", "yearly"}, "batch_limit": 1|4|8|16|"unlimited", "queue_priority",
 * "parameter_access", "model_access": {"<model id>": "none"|"full"|{"limited": N}}, "mature_content",
 * "beta_access", "lora_trainings": {"weekly", "yearly"}}]}}. Every field is required; unknown
 * fields are refused (a typo must not silently drop a setting).
 */
@Configuration(proxyBeanMethods = false)
public class PlansLoader {

    /** Longest plan name. */
    public static final int MAX_NAME = 40;
    private static final Logger log = LoggerFactory.getLogger(PlansLoader.class);

    @Bean
    Plans plans(PlansProperties properties, ModelCatalog catalog) {
        return load(properties.file(), catalog);
    }

    /**
     * Loads and checks a plans file.
     *
     * @param catalog the models a plan's model access may name
     * @return the plans; none when the file does not exist
     * @throws InvalidPlansException naming the file, the plan and the problem
     */
    public static Plans load(Path plansFile, ModelCatalog catalog) {
        Path file = plansFile.toAbsolutePath().normalize();
        if (!Files.exists(file)) {
            log.warn("No plans file at {} (text2image.plans.file): no plans", file);
            return new Plans(file.toString(), List.of());
        }
        JsonNode plans = read(file).path("plans");
        if (!plans.isArray() || plans.isEmpty()) {
            throw new InvalidPlansException(file, "needs a non-empty \"plans\" array");
        }
        PlanReader reader = new PlanReader(file, catalog);
        List<Plan> result = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < plans.size(); i++) {
            Plan plan = reader.read(i, plans.get(i));
            if (!ids.add(plan.id())) {
                throw new InvalidPlansException(file, "has two plans with id \"" + plan.id() + "\"");
            }
            result.add(plan);
        }
        List<String> free = result.stream().filter(Plan::free).map(Plan::id).toList();
        if (free.size() != 1) {
            throw new InvalidPlansException(file, "needs exactly one free plan (both prices 0), has "
                    + (free.isEmpty() ? "none" : free.size() + ": " + String.join(", ", free)));
        }
        return new Plans(file.toString(), result);
    }

    private static JsonNode read(Path file) {
        try {
            return JsonMapper.builder().build().readTree(Files.readString(file));
        } catch (IOException | JacksonException e) {
            throw new InvalidPlansException(file, "could not be read: " + e.getMessage());
        }
    }
}
