package org.text2image.worker.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The shipped LoRA training template, config/workflows/train-lora-sd15.json. */
class TrainingTemplateTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void usesTheTrainingPlaceholdersAndSaveLoraIsItsOutput() throws Exception {
        WorkflowTemplate template = template();

        assertThat(template.placeholders()).containsExactlyInAnyOrder(Placeholder.CHECKPOINT, Placeholder.DATASET_FOLDER,
                Placeholder.TRAINING_RESOLUTION, Placeholder.TRAINING_STEPS, Placeholder.LEARNING_RATE,
                Placeholder.LORA_RANK, Placeholder.SEED, Placeholder.LORA_PREFIX);
    }

    @Test
    void rendersEachTrainingValueIntoTheNodeInputItFeedsWithItsJsonType() throws Exception {
        ObjectNode graph = template().render(WorkflowValues.builder()
                .put(Placeholder.CHECKPOINT, "v1-5-pruned-emaonly.safetensors")
                .put(Placeholder.DATASET_FOLDER, "text2image-train-42-1")
                .put(Placeholder.TRAINING_RESOLUTION, 512)
                .put(Placeholder.TRAINING_STEPS, 1500)
                .put(Placeholder.LEARNING_RATE, 0.0001)
                .put(Placeholder.LORA_RANK, 16)
                .put(Placeholder.SEED, 7L)
                .put(Placeholder.LORA_PREFIX, "t2i-42-1")
                .put(Placeholder.FILENAME_PREFIX, "t2i/42-1")
                .build());

        assertThat(graph.get("1").get("inputs").get("ckpt_name").asString()).isEqualTo("v1-5-pruned-emaonly.safetensors");
        assertThat(graph.get("2").get("inputs").get("folder").asString()).isEqualTo("text2image-train-42-1");
        assertThat(graph.get("3").get("inputs").get("shorter_edge").isIntegralNumber()).isTrue();
        assertThat(graph.get("4").get("inputs").get("width").asInt()).isEqualTo(512);
        assertThat(graph.get("4").get("inputs").get("height").asInt()).isEqualTo(512);
        JsonNode train = graph.get("6").get("inputs");
        assertThat(train.get("steps").isIntegralNumber()).isTrue();
        assertThat(train.get("steps").asInt()).isEqualTo(1500);
        assertThat(train.get("learning_rate").isDouble()).isTrue();
        assertThat(train.get("learning_rate").asDouble()).isEqualTo(0.0001);
        assertThat(train.get("rank").asInt()).isEqualTo(16);
        assertThat(train.get("seed").asLong()).isEqualTo(7L);
        JsonNode save = graph.get("7").get("inputs");
        assertThat(save.get("prefix").asString()).isEqualTo("loras/t2i-42-1");
        assertThat(save.has("filename_prefix")).isFalse(); // SaveLoRA takes prefix only
    }

    private static WorkflowTemplate template() throws Exception {
        return WorkflowTemplate.of("train-lora-sd15.json",
                JSON.readTree(Files.readString(Path.of("..", "config", "workflows", "train-lora-sd15.json"))));
    }
}
