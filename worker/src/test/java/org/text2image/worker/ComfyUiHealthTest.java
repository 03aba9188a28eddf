package org.text2image.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.text2image.worker.comfyui.ComfyUiClient;
import org.text2image.worker.comfyui.standin.ComfyUiStandIn;

/** What a claim reports about ComfyUI: its checkpoint list is what the worker can run. */
class ComfyUiHealthTest {

    private final ComfyUiStandIn comfyUi = new ComfyUiStandIn().start().installedCheckpoints("v1-5-pruned-emaonly.safetensors");
    private final ComfyUiHealth health = new ComfyUiHealth(
            new ComfyUiClient(comfyUi.baseUrl(), Duration.ofSeconds(2), Duration.ofSeconds(5)), Duration.ZERO, Clock.systemUTC());

    @AfterEach
    void stop() {
        comfyUi.close();
    }

    @Test
    void reportsTheInstalledCheckpoints() {
        ComfyUiHealth.Status status = health.current();

        assertThat(status.reachable()).isTrue();
        assertThat(status.checkpoints()).containsExactly("v1-5-pruned-emaonly.safetensors");
    }

    @Test
    void aComfyUiThatCannotListItsCheckpointsIsNotUsableRatherThanOneWithNone() {
        comfyUi.breakCheckpointList(true);

        assertThat(health.current().reachable()).as("an empty list would mean: runs only model-free jobs").isFalse();

        comfyUi.breakCheckpointList(false);
        health.invalidate();
        assertThat(health.current().checkpoints()).containsExactly("v1-5-pruned-emaonly.safetensors");
    }
}
