package org.text2image.server.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@code text2image.embedded-worker.*} as Spring binds it: the defaults, and ComfyUI's folder checked at startup. */
class EmbeddedWorkerPropertiesTest {

    @TempDir Path folder;

    @Test
    void theDefaultsDeleteNothingInComfyUisFolder() {
        EmbeddedWorkerProperties properties = bind(Map.of("text2image.embedded-worker.enabled", "true"));

        assertThat(properties.comfyuiDir()).isNull();
        assertThat(properties.lorasDir()).isNull();
        assertThat(properties.loraCacheMb()).isEqualTo(2048L);
        assertThat(bind(Map.of("text2image.embedded-worker.comfyui-dir", "")).comfyuiDir()).isNull();
    }

    @Test
    void aComfyUiFolderWithoutInputAndOutputStopsStartupWithTheReason() throws Exception {
        assertThatThrownBy(() -> bind(Map.of("text2image.embedded-worker.comfyui-dir", folder.toString())))
                .isInstanceOf(BindException.class).rootCause().hasMessageContaining("is not ComfyUI's folder");

        Files.createDirectories(folder.resolve("input"));
        Files.createDirectories(folder.resolve("output"));
        assertThat(bind(Map.of("text2image.embedded-worker.comfyui-dir", folder.toString())).comfyuiDir()).isEqualTo(folder);
    }

    private static EmbeddedWorkerProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("text2image.embedded-worker", EmbeddedWorkerProperties.class);
    }
}
