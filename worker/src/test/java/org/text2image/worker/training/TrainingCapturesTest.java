package org.text2image.worker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.text2image.worker.comfyui.ImageRef;
import org.text2image.worker.comfyui.standin.ComfyUiFixtures;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The worker's reading of the captured ComfyUI 0.8 training runs (test resources comfyui/training/). */
class TrainingCapturesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void theLoraNameDerivedFromTheCapturedWorkflowIsTheFileComfyUiListedAfterTraining() {
        ObjectNode graph = ComfyUiFixtures.workflow("training/wf_train_lora_sd15.json");

        ImageRef lora = LoraOutput.of(graph);

        String listed = JSON.readTree(ComfyUiFixtures.text("training/models_loras_after_train.json")).get(0).asString();
        assertThat(lora).isEqualTo(new ImageRef(listed, "loras", "output"));
        assertThat(listed).isEqualTo("demo_trained_4_steps_00001_.safetensors");
    }

    @Test
    void twoSaveLoraNodesThatDifferAreRefused() {
        ObjectNode graph = ComfyUiFixtures.workflow("training/wf_train_lora_sd15.json");
        ((ObjectNode) graph.get("9").get("inputs")).put("prefix", "loras/other");

        assertThatThrownBy(() -> LoraOutput.of(graph)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must save one LoRA");
    }
}
