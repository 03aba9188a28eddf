package org.text2image.worker.comfyui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.text2image.worker.comfyui.standin.ComfyUiFixtures;
import tools.jackson.databind.json.JsonMapper;

/** The captured ComfyUI 0.8 training histories (test resources comfyui/training/), as the worker reads them. */
class TrainingHistoryTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void theCapturedSuccessfulRunHasNoOutputFileForSaveLora() {
        PromptHistory history = ComfyUiResponses.history("f3b7aaab-accb-42b9-b730-80b58530f161",
                JSON.readTree(ComfyUiFixtures.text("training/history_train_lora_sd15.json"))).orElseThrow();

        assertThat(history.succeeded()).isTrue();
        assertThat(history.outputImages()).isEmpty(); // only LossGraphNode's temp image is reported
    }

    @Test
    void theCapturedInterruptedRunIsAnInterruptionInTrainLoraNode() {
        PromptHistory history = ComfyUiResponses.history("26518605-67a0-43b0-b110-7d40bc2dcac6",
                JSON.readTree(ComfyUiFixtures.text("training/history_train_lora_interrupt.json"))).orElseThrow();

        assertThat(history.succeeded()).isFalse();
        assertThat(history.error()).map(PromptError::interrupted).contains(true);
        assertThat(history.error()).map(PromptError::nodeType).contains("TrainLoraNode");
    }
}
