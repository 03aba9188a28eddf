package org.text2image.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Defaults and validation of the worker settings. */
class WorkerConfigTest {

    private static final URI SERVER = URI.create("http://127.0.0.1:8080");
    private static final URI COMFYUI = URI.create("http://127.0.0.1:8188");

    @Test
    void hasSaneDefaults() {
        WorkerConfig config = WorkerConfig.of(SERVER, "token", COMFYUI, " gpu-1 ");

        assertThat(config.workerName()).isEqualTo("gpu-1");
        assertThat(config.idleInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.withIdleInterval(Duration.ofMillis(50)).idleInterval()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void neverPrintsTheToken() {
        assertThat(WorkerConfig.of(SERVER, "s3cret-token", COMFYUI, "w").toString()).doesNotContain("s3cret-token");
    }

    @Test
    void rejectsOutOfBoundsSettings() {
        WorkerConfig config = WorkerConfig.of(SERVER, "token", COMFYUI, "w");

        assertThatThrownBy(() -> config.withIdleInterval(Duration.ZERO)).hasMessageStartingWith("idleInterval must be");
        assertThatThrownBy(() -> config.withHeartbeatInterval(Duration.ofHours(2))).hasMessageStartingWith("heartbeatInterval must be");
        assertThatThrownBy(() -> WorkerConfig.of(URI.create("/relative"), "t", COMFYUI, "w")).hasMessageStartingWith("serverUrl must be");
        assertThatThrownBy(() -> WorkerConfig.of(SERVER, "", COMFYUI, "w")).hasMessageStartingWith("token must be");
        assertThatThrownBy(() -> WorkerConfig.of(SERVER, "t", COMFYUI, "  ")).hasMessageStartingWith("workerName must be");
    }

    @Test
    void keepsNoLorasAndTakesNoTrainingsUnlessAskedAndRefusesACacheUnderOneMebibyte() {
        WorkerConfig config = WorkerConfig.of(SERVER, "token", COMFYUI, "w");

        assertThat(config.train()).isFalse();
        assertThat(config.keepsLoras()).isFalse();
        assertThat(config.withTraining(true).withLoras(java.nio.file.Path.of("/loras"), 1024 * 1024).keepsLoras()).isTrue();
        assertThatThrownBy(() -> config.withLoras(java.nio.file.Path.of("/loras"), 1000))
                .hasMessageStartingWith("loraCacheMb must be 1 to");
    }
}
