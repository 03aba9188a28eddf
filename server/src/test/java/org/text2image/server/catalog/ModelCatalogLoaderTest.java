package org.text2image.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The models file is checked at start-up; a bad one stops the server with a message naming the file. */
class ModelCatalogLoaderTest {

    private static final String GOOD_TEMPLATE = """
            {"1": {"class_type": "EmptyImage", "inputs": {"width": "{{width}}", "height": "{{height}}", "batch_size": 1, "color": 0}},
             "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "x"}}}""";

    @TempDir Path dir;

    @Test
    void loadsTheShippedModelsFile() {
        ModelCatalog catalog = ModelCatalogLoader.load(Path.of("../config/models.json"));
        Model sd15 = catalog.defaultModel().orElseThrow();
        assertThat(sd15.id()).isEqualTo("sd15");
        assertThat(sd15.checkpoint()).isEqualTo("v1-5-pruned-emaonly.safetensors");
        assertThat(sd15.workflow().placeholders()).hasSize(12);
    }

    @Test
    void appliesDefaultsForOptionalFields() throws IOException {
        Model model = load(model("\"id\": \"m\", \"name\": \"M\", \"workflow\": \"wf.json\", \"cost_credits\": 5"), GOOD_TEMPLATE)
                .find("m").orElseThrow();
        assertThat(model.enabled()).isTrue();
        assertThat(model.steps().defaultValue()).isEqualTo(20);
        assertThat(model.sampler()).isEqualTo("euler");
        assertThat(model.width()).isEqualTo(512);
        assertThat(model.beta()).isFalse();
        assertThat(model.mature()).isFalse();
    }

    @Test
    void readsTheBetaAndMatureMarks() throws IOException {
        Model model = load(model("\"id\": \"m\", \"name\": \"M\", \"workflow\": \"wf.json\", \"cost_credits\": 5, "
                + "\"beta\": true, \"mature\": true"), GOOD_TEMPLATE).find("m").orElseThrow();
        assertThat(model.beta()).isTrue();
        assertThat(model.mature()).isTrue();
    }

    @Test
    void refusesABetaMarkThatIsNotTrueOrFalse() throws IOException {
        assertThatThrownBy(() -> load(model("\"id\": \"m\", \"name\": \"M\", \"workflow\": \"wf.json\", "
                + "\"cost_credits\": 1, \"beta\": \"yes\""), GOOD_TEMPLATE))
                .isInstanceOf(InvalidModelCatalogException.class)
                .hasMessageContaining("model \"m\" needs \"beta\" as true or false, was \"yes\"");
    }

    @Test
    void refusesATemplateWithAnUnknownPlaceholderNamingTheFile() throws IOException {
        String template = GOOD_TEMPLATE.replace("{{height}}", "{{hieght}}");
        assertThatThrownBy(() -> load(model("\"id\": \"m\", \"name\": \"M\", \"workflow\": \"wf.json\", \"cost_credits\": 1"), template))
                .isInstanceOf(InvalidModelCatalogException.class)
                .hasMessageContaining("wf.json")
                .hasMessageContaining("unknown placeholder {{hieght}}");
    }

    @Test
    void refusesATemplateWithoutAnOutputNode() throws IOException {
        String template = """
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}}}""";
        assertThatThrownBy(() -> load(model("\"id\": \"m\", \"name\": \"M\", \"workflow\": \"wf.json\", \"cost_credits\": 1"), template))
                .isInstanceOf(InvalidModelCatalogException.class)
                .hasMessageContaining("wf.json")
                .hasMessageContaining("has no output node");
    }

    @Test
    void refusesAMissingTemplateFile() throws IOException {
        assertThatThrownBy(() -> load(model("\"id\": \"m\", \"name\": \"M\", \"workflow\": \"nope.json\", \"cost_credits\": 1"), GOOD_TEMPLATE))
                .isInstanceOf(InvalidModelCatalogException.class)
                .hasMessageContaining("nope.json, which does not exist");
    }

    @Test
    void refusesBadNumbersDuplicatesAndNoEnabledModel() throws IOException {
        assertThatThrownBy(() -> load(model("\"id\": \"m\", \"name\": \"M\", \"workflow\": \"wf.json\", \"cost_credits\": 0"), GOOD_TEMPLATE))
                .hasMessageContaining("cost_credits");
        assertThatThrownBy(() -> load(model("\"id\": \"m\", \"name\": \"M\", \"workflow\": \"wf.json\", \"cost_credits\": 1, "
                + "\"steps\": {\"default\": 80, \"min\": 1, \"max\": 50}"), GOOD_TEMPLATE))
                .hasMessageContaining("steps");
        String one = "{\"id\": \"m\", \"name\": \"M\", \"workflow\": \"wf.json\", \"cost_credits\": 1}";
        assertThatThrownBy(() -> load("{\"models\": [" + one + ", " + one + "]}", GOOD_TEMPLATE))
                .hasMessageContaining("two models with id \"m\"");
        assertThatThrownBy(() -> load(model("\"id\": \"m\", \"name\": \"M\", \"workflow\": \"wf.json\", \"cost_credits\": 1, \"enabled\": false"), GOOD_TEMPLATE))
                .hasMessageContaining("no enabled model");
        assertThatThrownBy(() -> load("{\"models\": [", GOOD_TEMPLATE)).hasMessageContaining("could not read");
    }

    private static String model(String fields) {
        return "{\"models\": [{" + fields + "}]}";
    }

    private ModelCatalog load(String modelsJson, String template) throws IOException {
        Files.writeString(dir.resolve("wf.json"), template);
        Path file = dir.resolve("models.json");
        Files.writeString(file, modelsJson);
        return ModelCatalogLoader.load(file);
    }
}
