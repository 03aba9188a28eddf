package org.text2image.worker.comfyui.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The stand-in's models/loras folder and LoraLoaderModelOnly, as ComfyUI lists and validates them. */
class StandInLoraLoaderTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CACHED = "text2image/" + "a".repeat(64) + ".safetensors";

    @TempDir
    Path loras;
    private ComfyUiStandIn comfyUi;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(loras.resolve("text2image"));
        Files.write(loras.resolve(CACHED), StandInLoras.safetensors("a"));
        Files.write(loras.resolve("own-style.safetensors"), StandInLoras.safetensors("b"));
        comfyUi = new ComfyUiStandIn().start().installedCheckpoints(ComfyUiFixtures.SD15_CHECKPOINT).lorasFolder(loras);
    }

    @AfterEach
    void stop() {
        comfyUi.close();
    }

    @Test
    void listsTheLorasFolderWithSubfolderFilesUnderTheirSubfolder() throws Exception {
        assertThat(JSON.readTree(get("/models/loras"))).containsExactly(
                JSON.getNodeFactory().stringNode("own-style.safetensors"), JSON.getNodeFactory().stringNode(CACHED));
    }

    @Test
    void refusesALoraNameThatIsNotInTheFolderWithComfyUisValueNotInListError() throws Exception {
        HttpResponse<String> answer = post(withLora("text2image/missing.safetensors"));

        assertThat(answer.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.at("/error/type").asString()).isEqualTo("prompt_outputs_failed_validation");
        JsonNode error = body.at("/node_errors/20/errors/0");
        assertThat(error.get("type").asString()).isEqualTo("value_not_in_list");
        assertThat(error.get("message").asString()).isEqualTo("Value not in list");
        assertThat(error.get("details").asString()).isEqualTo("lora_name: 'text2image/missing.safetensors' not in "
                + "['own-style.safetensors', '" + CACHED + "']");
        assertThat(error.at("/extra_info/input_name").asString()).isEqualTo("lora_name");
        assertThat(error.at("/extra_info/input_config").toString())
                .isEqualTo("[[\"own-style.safetensors\",\"" + CACHED + "\"]]");
        assertThat(error.at("/extra_info/received_value").asString()).isEqualTo("text2image/missing.safetensors");
        assertThat(body.at("/node_errors/20/class_type").asString()).isEqualTo("LoraLoaderModelOnly");
        assertThat(body.at("/node_errors/20/dependent_outputs").toString()).isEqualTo("[\"9\"]");
        assertThat(comfyUi.submittedPrompts()).isEmpty();
    }

    @Test
    void namesOnlyTheListsLengthWhenMoreThanTwentyLorasAreThere() throws Exception {
        for (int i = 0; i < 21; i++) {
            Files.write(loras.resolve("extra-" + i + ".safetensors"), new byte[] {1});
        }

        JsonNode error = JSON.readTree(post(withLora("nope.safetensors")).body()).at("/node_errors/20/errors/0");

        assertThat(error.get("details").asString()).isEqualTo("lora_name: 'nope.safetensors' not in (list of length 23)");
        assertThat(error.at("/extra_info/input_config").isNull()).isTrue();
    }

    @Test
    void runsAPromptWhoseLoraIsInTheFolderAndKeepsItAsTheLastPrompt() throws Exception {
        HttpResponse<String> answer = post(withLora(CACHED));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(comfyUi.lastPrompt().at("/20/inputs/lora_name").asString()).isEqualTo(CACHED);
        assertThat(comfyUi.lastPrompt().at("/20/inputs/strength_model").asDouble()).isEqualTo(0.8);
    }

    private static String withLora(String name) {
        ObjectNode workflow = ComfyUiFixtures.sd15Workflow();
        ObjectNode inputs = workflow.putObject("20").put("class_type", "LoraLoaderModelOnly").putObject("inputs");
        inputs.putArray("model").add("4").add(0);
        inputs.put("lora_name", name).put("strength_model", 0.8);
        ((ObjectNode) workflow.get("3").get("inputs")).putArray("model").add("20").add(0);
        return "{\"prompt\": " + workflow + "}";
    }

    private String get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(comfyUi.baseUrl().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(comfyUi.baseUrl().resolve("/prompt"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
