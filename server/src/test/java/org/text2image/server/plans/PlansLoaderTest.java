package org.text2image.server.plans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.text2image.server.catalog.ModelCatalog;
import org.text2image.server.catalog.ModelCatalogLoader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The plans file is checked at start-up: exactly one free plan, unique ids, known choices, counts in
 * range, model ids of the models file; each message names the file, the plan and the field.
 */
class PlansLoaderTest {

    static final ModelCatalog SHIPPED_MODELS = ModelCatalogLoader.load(Path.of("../config/models.json"));
    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir Path dir;

    @Test
    void loadsTheShippedPlansFile() {
        Plans plans = PlansLoader.load(Path.of("../config/plans.json"), SHIPPED_MODELS);

        assertThat(plans.all()).extracting(Plan::id).containsExactly("free", "starter", "pro", "ultra", "max");
        assertThat(plans.all()).extracting(plan -> plan.credits().weekly()).containsExactly(0L, 500L, 1500L, 4000L, 10000L);
        assertThat(plans.all()).extracting(Plan::batchLimitText).containsExactly("1", "4", "8", "16", "unlimited");
        assertThat(plans.free().orElseThrow().id()).isEqualTo("free");
        Plan max = plans.find("max").orElseThrow();
        assertThat(max.batchLimit()).isEqualTo(Plan.UNLIMITED);
        assertThat(max.queuePriority()).isEqualTo(Plan.QueuePriority.FASTEST);
        assertThat(max.parameterAccess()).isEqualTo(Plan.ParameterAccess.FULL);
        assertThat(max.priceMinor()).isEqualTo(new Plan.PerPeriod(199900, 7999900));
        Plan free = plans.find("free").orElseThrow();
        assertThat(free.accessTo("sd15")).isEqualTo(new Plan.ModelAccess(Plan.ModelAccess.Level.LIMITED, 50));
        assertThat(free.accessTo("sd15")).hasToString("50 images a week");
        assertThat(free.accessTo("a-model-not-named")).isEqualTo(Plan.ModelAccess.FULL);
        assertThat(free.video()).isEqualTo(new Plan.VideoLimits(33, 832 * 480));
        assertThat(free.video().allows(33, 832, 480)).isTrue();
        assertThat(free.video().allows(37, 832, 480)).isFalse();
        assertThat(max.video()).as("no video limits").isEqualTo(Plan.VideoLimits.NONE);
    }

    @Test
    void aMissingFileMeansNoPlans() {
        Plans plans = PlansLoader.load(dir.resolve("absent.json"), SHIPPED_MODELS);

        assertThat(plans.all()).isEmpty();
        assertThat(plans.free()).isEmpty();
    }

    @Test
    void refusesAFileThatIsNotJson() throws IOException {
        Path file = dir.resolve("plans.json");
        Files.writeString(file, "{\"plans\": [");

        assertThatThrownBy(() -> PlansLoader.load(file, SHIPPED_MODELS))
                .isInstanceOf(InvalidPlansException.class)
                .hasMessageStartingWith("Plans file " + file.toAbsolutePath().normalize() + " could not be read");
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                bad("no plans array", root -> root.remove("plans"), "needs a non-empty \"plans\" array"),
                bad("an empty plans array", root -> root.putArray("plans"), "needs a non-empty \"plans\" array"),
                bad("a plan that is not an object", root -> plans(root).set(1, "starter"), "plan 2 is not an object"),
                bad("a missing id", root -> plan(root, 1).remove("id"), "plan 2 needs \"id\" as text"),
                bad("a bad id", root -> plan(root, 1).put("id", "Starter Plan"), "plan 2 has id \"Starter Plan\""),
                bad("a missing name", root -> plan(root, 1).remove("name"), "plan \"starter\" needs \"name\" as text of 1-40"),
                bad("a NUL byte in a name", root -> plan(root, 1).put("name", "Star\u0000ter"),
                        "plan \"starter\" needs \"name\" as text of 1-40 characters without control characters"),
                bad("an over-long name", root -> plan(root, 1).put("name", "S".repeat(41)),
                        "plan \"starter\" needs \"name\" as text of 1-40"),
                bad("video limits that are not an object", root -> plan(root, 1).put("video", 81),
                        "plan \"starter\" needs \"video\" as {\"max_frames\": …, \"max_pixels\": …}, was 81"),
                bad("a typo in the video limits", root -> plan(root, 1).withObjectProperty("video").put("max_seconds", 5),
                        "plan \"starter\" \"video\" has an unknown field \"max_seconds\""),
                bad("no frames at all", root -> plan(root, 1).withObjectProperty("video").put("max_frames", 0),
                        "plan \"starter\" needs \"video\" \"max_frames\" as a whole number from 1 to 100000, was 0"),
                bad("pixels as text", root -> plan(root, 1).withObjectProperty("video").put("max_pixels", "480p"),
                        "plan \"starter\" needs \"video\" \"max_pixels\" as a whole number from 1 to 100000000"),
                bad("a typo in a field", root -> plan(root, 1).put("batch", 4),
                        "plan \"starter\" has an unknown field \"batch\""),
                bad("a typo in a period", root -> plan(root, 1).withObjectProperty("credits").put("monthly", 5),
                        "plan \"starter\" \"credits\" has an unknown field \"monthly\""),
                bad("an unknown currency", root -> plan(root, 1).put("currency", "XYZ"),
                        "plan \"starter\" has \"currency\" \"XYZ\""),
                bad("a lower-case currency", root -> plan(root, 1).put("currency", "inr"),
                        "plan \"starter\" has \"currency\" \"inr\""),
                bad("a missing price", root -> plan(root, 1).remove("price_minor"),
                        "plan \"starter\" needs \"price_minor\" as {\"weekly\": …, \"yearly\": …}, was missing"),
                bad("a decimal price", root -> plan(root, 1).withObjectProperty("price_minor").put("weekly", 199.5),
                        "plan \"starter\" needs \"price_minor\" \"weekly\" as a whole number"),
                bad("a price as text", root -> plan(root, 1).withObjectProperty("price_minor").put("yearly", "799900"),
                        "plan \"starter\" needs \"price_minor\" \"yearly\" as a whole number"),
                bad("a price for one period only", root -> plan(root, 1).withObjectProperty("price_minor").put("weekly", 0),
                        "plan \"starter\" needs \"price_minor\" 0 for both periods (the free plan) or above 0 for both"),
                bad("negative credits", root -> plan(root, 1).withObjectProperty("credits").put("weekly", -500),
                        "plan \"starter\" needs \"credits\" \"weekly\" as a whole number from 0 to 1000000000, was -500"),
                bad("too many credits", root -> plan(root, 1).withObjectProperty("credits").put("yearly", 1_000_000_001L),
                        "plan \"starter\" needs \"credits\" \"yearly\" as a whole number from 0"),
                bad("negative trainings", root -> plan(root, 1).withObjectProperty("lora_trainings").put("weekly", -1),
                        "plan \"starter\" needs \"lora_trainings\" \"weekly\" as a whole number"),
                bad("a batch limit of 5", root -> plan(root, 1).put("batch_limit", 5),
                        "plan \"starter\" needs \"batch_limit\" as 1, 4, 8, 16 or \"unlimited\", was 5"),
                bad("a batch limit of 0", root -> plan(root, 1).put("batch_limit", 0),
                        "plan \"starter\" needs \"batch_limit\" as 1, 4, 8, 16 or \"unlimited\", was 0"),
                bad("a batch limit as other text", root -> plan(root, 1).put("batch_limit", "infinite"),
                        "needs \"batch_limit\" as 1, 4, 8, 16 or \"unlimited\", was \"infinite\""),
                bad("an unknown priority", root -> plan(root, 1).put("queue_priority", "urgent"),
                        "plan \"starter\" needs \"queue_priority\" as one of standard, priority, fastest, was \"urgent\""),
                bad("an upper-case priority", root -> plan(root, 1).put("queue_priority", "FASTEST"),
                        "needs \"queue_priority\" as one of standard, priority, fastest"),
                bad("an unknown parameter access", root -> plan(root, 1).put("parameter_access", "expert"),
                        "plan \"starter\" needs \"parameter_access\" as one of basic, advanced, full, was \"expert\""),
                bad("mature content as text", root -> plan(root, 1).put("mature_content", "no"),
                        "plan \"starter\" needs \"mature_content\" as true or false, was \"no\""),
                bad("missing beta access", root -> plan(root, 1).remove("beta_access"),
                        "plan \"starter\" needs \"beta_access\" as true or false, was missing"),
                bad("model access that is not an object", root -> plan(root, 1).put("model_access", "full"),
                        "plan \"starter\" needs \"model_access\" as an object"),
                bad("an unknown model id", root -> plan(root, 1).withObjectProperty("model_access").put("sdxl", "full"),
                        "plan \"starter\" has \"model_access\" for \"sdxl\", which is not in the models file"),
                bad("an unknown model access", root -> plan(root, 1).withObjectProperty("model_access").put("sd15", "some"),
                        "plan \"starter\" has \"model_access\" for \"sd15\" as \"some\": use \"none\", \"full\" or {\"limited\": N}"),
                bad("a limit of 0 images", root -> plan(root, 1).withObjectProperty("model_access")
                                .putObject("sd15").put("limited", 0),
                        "plan \"starter\" has \"model_access\" for \"sd15\" as {\"limited\":0}"),
                bad("a duplicate id", root -> plan(root, 2).put("id", "starter"), "has two plans with id \"starter\""),
                bad("no free plan", root -> plans(root).remove(0), "needs exactly one free plan (both prices 0), has none"),
                bad("two free plans", root -> plan(root, 1).putObject("price_minor").put("weekly", 0).put("yearly", 0),
                        "needs exactly one free plan (both prices 0), has 2: free, starter"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void refusesABadFileNamingThePlanAndTheField(String name, Consumer<ObjectNode> edit, String message)
            throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(Files.readString(Path.of("../config/plans.json")));
        edit.accept(root);
        Path file = dir.resolve("plans.json");
        Files.writeString(file, JSON.writeValueAsString(root));

        assertThatThrownBy(() -> PlansLoader.load(file, SHIPPED_MODELS))
                .isInstanceOf(InvalidPlansException.class)
                .hasMessageStartingWith("Plans file " + file.toAbsolutePath().normalize() + " ")
                .hasMessageContaining(message);
    }

    private static Arguments bad(String name, Consumer<ObjectNode> edit, String message) {
        return Arguments.of(name, edit, message);
    }

    private static ArrayNode plans(ObjectNode root) {
        return (ArrayNode) root.get("plans");
    }

    private static ObjectNode plan(ObjectNode root, int index) {
        return (ObjectNode) plans(root).get(index);
    }
}
