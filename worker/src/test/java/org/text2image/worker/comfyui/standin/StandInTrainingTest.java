package org.text2image.worker.comfyui.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The stand-in's answers to training graphs, against the captures in comfyui/training/. */
class StandInTrainingTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aDatasetFolderNotInInputIsRefusedWithComfyUisExactAnswer() {
        JsonNode captured = JSON.readTree(ComfyUiFixtures.text("training/post_bad_dataset_folder.txt").lines().findFirst().orElseThrow());
        ObjectNode body = JSON.createObjectNode();
        ObjectNode graph = body.putObject("prompt");
        graph.putObject("1").put("class_type", "LoadImageDataSetFromFolder").putObject("inputs").put("folder", "not_uploaded_yet");
        ObjectNode preview = graph.putObject("2").put("class_type", "PreviewImage");
        preview.putObject("inputs").putArray("images").add("1").add(0);

        ObjectNode answer = PromptCheck.errors(body, List.of(), image -> true, List.of("3d", "acceptance", "lora_ds_demo"))
                .orElseThrow();

        assertThat(answer).isEqualTo(captured);
    }

    @Test
    void anUploadedFolderPassesValidation() {
        ObjectNode body = JSON.createObjectNode();
        body.set("prompt", ComfyUiFixtures.workflow("training/wf_dataset_folder.json"));

        assertThat(PromptCheck.errors(body, List.of(), image -> true, List.of("lora_ds_demo"))).isEmpty();
    }

    @Test
    void theTrainingStepsAreTrainLoraNodesStepsTimesGradientAccumulation() {
        ObjectNode graph = ComfyUiFixtures.workflow("training/wf_train_lora_sd15.json");
        ((ObjectNode) graph.get("6").get("inputs")).put("grad_accumulation_steps", 3);

        assertThat(new Graph(graph).steps("6")).isEqualTo(12);
        assertThat(new Graph(graph).outputNodes()).contains("7", "9");
    }

    @Test
    void theSavedLoraIsASafetensorsFileWithAHeaderLengthJsonHeaderAndData() {
        byte[] file = StandInLoras.safetensors("prompt-1");

        long headerLength = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = JSON.readTree(new String(file, 8, (int) headerLength, StandardCharsets.US_ASCII));
        JsonNode tensor = header.get("diffusion_model.input_blocks.0.0.lora_down.weight");
        assertThat(tensor.get("dtype").asString()).isEqualTo("BF16");
        assertThat(file.length - 8 - headerLength).isEqualTo(tensor.get("data_offsets").get(1).asLong());
        assertThat(StandInLoras.safetensors("prompt-2")).isNotEqualTo(file);
    }
}
