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
    void reportsTheDiffusionModelsTooAsModelFilesItCanRun() {
        comfyUi.installedDiffusionModels("wan2.1_i2v_480p_14B_fp8_e4m3fn.safetensors", "v1-5-pruned-emaonly.safetensors");

        assertThat(health.current().checkpoints()).containsExactly("v1-5-pruned-emaonly.safetensors",
                "wan2.1_i2v_480p_14B_fp8_e4m3fn.safetensors");
    }

    @Test
    void anOlderComfyUiWithoutADiffusionModelsFolderReportsItsCheckpointsOnly() throws Exception {
        com.sun.net.httpserver.HttpServer old = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        old.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = switch (path) {
                case "/system_stats" -> "{\"system\": {\"comfyui_version\": \"0.3.0\"}, \"devices\": []}".getBytes();
                case "/models/checkpoints" -> "[\"sd.safetensors\"]".getBytes();
                default -> "404: Not Found".getBytes();
            };
            exchange.sendResponseHeaders(body[0] == '4' ? 404 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        old.start();
        try {
            ComfyUiHealth oldHealth = new ComfyUiHealth(new ComfyUiClient(java.net.URI.create("http://127.0.0.1:"
                    + old.getAddress().getPort()), Duration.ofSeconds(2), Duration.ofSeconds(5)), Duration.ZERO, Clock.systemUTC());

            ComfyUiHealth.Status status = oldHealth.current();

            assertThat(status.reachable()).isTrue();
            assertThat(status.checkpoints()).containsExactly("sd.safetensors");
        } finally {
            old.stop(0);
        }
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
