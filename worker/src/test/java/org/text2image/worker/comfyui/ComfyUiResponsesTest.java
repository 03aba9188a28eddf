package org.text2image.worker.comfyui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.text2image.worker.comfyui.standin.ComfyUiFixtures;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reading the captured ComfyUI answers themselves (not the stand-in's). */
class ComfyUiResponsesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aVideoHelperSuiteVideoUnderGifsIsAnOutputLikeAnImage() {
        // VHS_VideoCombine's history entry: its file under "gifs" (shape as documented in docs/COMFYUI.md)
        PromptHistory history = ComfyUiResponses.history("wan-i2v-1",
                JSON.readTree(ComfyUiFixtures.text("video/history_vhs_video_combine.json"))).orElseThrow();

        assertThat(history.succeeded()).isTrue();
        assertThat(history.outputImages()).containsExactly(new ImageRef("wan_00001.mp4", "text2image", "output"));
        assertThat(history.images()).hasSize(2);
    }

    @Test
    void readsTheCapturedSuccessfulHistory() {
        PromptHistory history = ComfyUiResponses.history("90fcf769-fd5b-44bf-b37c-3848e32424ba",
                JSON.readTree(ComfyUiFixtures.text("history_modelfree.json"))).orElseThrow();

        assertThat(history.succeeded()).isTrue();
        assertThat(history.outputImages()).containsExactly(new ImageRef("modelfree_00001_.png", "acceptance", "output"));
        assertThat(history.error()).isEmpty();
    }

    @Test
    void readsTheCapturedRuntimeErrorAsExceptionTypeAndMessage() {
        PromptHistory history = ComfyUiResponses.history("46b7d4ce-5668-4470-8f1c-17593a8a1d55",
                JSON.readTree(ComfyUiFixtures.text("history_broken_ckpt.json"))).orElseThrow();

        assertThat(history.succeeded()).isFalse();
        assertThat(history.errorText()).hasValue(
                "safetensors._safetensors_rust.SafetensorError: Error while deserializing header: header too large");
        assertThat(history.error().orElseThrow().nodeType()).isEqualTo("CheckpointLoaderSimple");
    }

    @Test
    void readsTheCapturedInterruptionAndQueue() {
        JsonNode scenario = JSON.readTree(ComfyUiFixtures.text("scenario_queue_interrupt.json"));

        assertThat(ComfyUiResponses.history("job-A-60acb5cb", scenario.get("history_A")).orElseThrow().errorText())
                .hasValue("interrupted");
        assertThat(ComfyUiResponses.queue(scenario.get("queue_while_running")))
                .isEqualTo(new QueueState(List.of("job-A-60acb5cb"), List.of("job-B-b176c0f2")));
    }

    @Test
    void buildsReadableMessagesFromTheCapturedValidationErrors() {
        List<String> lines = ComfyUiFixtures.text("validation_errors.txt").lines().toList();

        assertThat(message(lines, "unknown_node")).isEqualTo("Cannot execute because node NoSuchNode does not exist. (Node ID '#1')");
        assertThat(message(lines, "no_prompt")).isEqualTo("No prompt provided");
        assertThat(message(lines, "out_of_range")).isEqualTo("EmptyImage (node 1): Value 0 smaller than min of 1: width");
        assertThat(message(lines, "type_mismatch")).isEqualTo("SaveImage (node 2): Return type mismatch between linked nodes: "
                + "images, received_type(LATENT) mismatch input_type(IMAGE)");
    }

    @Test
    void aCheckpointThatIsNotInstalledIsSaidInAPlainSentence() {
        String captured = ComfyUiFixtures.text("post_missing_ckpt.txt");
        JsonNode body = JSON.readTree(captured.substring(captured.indexOf('{')));

        assertThat(ComfyUiResponses.validationMessage(body)).isEqualTo(
                "This GPU worker does not have the model file v1-5-pruned-emaonly.safetensors installed, so it cannot run this job.");
    }

    private static String message(List<String> lines, String name) {
        return ComfyUiResponses.validationMessage(JSON.readTree(lines.get(lines.indexOf("### " + name) + 1)));
    }
}
