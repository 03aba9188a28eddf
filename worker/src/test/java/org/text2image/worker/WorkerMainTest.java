package org.text2image.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.text2image.worker.api.WorkerApiLimits;

/** Command-line and environment parsing of the standalone worker. */
class WorkerMainTest {

    private static final Map<String, String> NO_ENV = Map.of();

    @Test
    void readsEveryOption() {
        WorkerConfig config = WorkerMain.parse(new String[] {"--server", "https://t2i.example.com", "--token", "s3cret",
                "--comfyui=http://127.0.0.1:8188", "--name", "gpu-1"}, NO_ENV).orElseThrow();

        assertThat(config.serverUrl()).isEqualTo(URI.create("https://t2i.example.com"));
        assertThat(config.token()).isEqualTo("s3cret");
        assertThat(config.comfyUiUrl()).isEqualTo(URI.create("http://127.0.0.1:8188"));
        assertThat(config.workerName()).isEqualTo("gpu-1");
    }

    @Test
    void fallsBackToTheEnvironmentAndLetsOptionsWin() {
        Map<String, String> env = Map.of("T2I_SERVER_URL", "http://server:8080", "T2I_WORKER_TOKEN", "from-env",
                "T2I_COMFYUI_URL", "http://comfy:8188", "T2I_WORKER_NAME", "env-name");

        WorkerConfig config = WorkerMain.parse(new String[] {"--name", "cli-name"}, env).orElseThrow();

        assertThat(config.serverUrl()).isEqualTo(URI.create("http://server:8080"));
        assertThat(config.token()).isEqualTo("from-env");
        assertThat(config.workerName()).isEqualTo("cli-name");
    }

    @Test
    void defaultsTheNameToTheHostName() {
        WorkerConfig config = WorkerMain.parse(new String[] {"--server", "http://s", "--token", "t", "--comfyui", "http://c"},
                NO_ENV).orElseThrow();

        assertThat(config.workerName()).isNotBlank().hasSizeLessThanOrEqualTo(WorkerApiLimits.MAX_WORKER_NAME_CHARS);
    }

    @Test
    void helpAsksForNoConfiguration() {
        assertThat(WorkerMain.parse(new String[] {"--server", "http://s", "--help"}, NO_ENV)).isEmpty();
        assertThat(WorkerMain.USAGE).contains("--server URL", "T2I_WORKER_TOKEN");
    }

    @Test
    void namesTheMissingSetting() {
        assertThatThrownBy(() -> WorkerMain.parse(new String[] {"--token", "t", "--comfyui", "http://c"}, NO_ENV))
                .hasMessage("missing the server URL: pass --server or set T2I_SERVER_URL");
        assertThatThrownBy(() -> WorkerMain.parse(new String[] {"--server", "http://s", "--comfyui", "http://c"}, NO_ENV))
                .hasMessage("missing the worker token: pass --token or set T2I_WORKER_TOKEN");
        assertThatThrownBy(() -> WorkerMain.parse(new String[] {"--server", "http://s", "--token", "t"}, NO_ENV))
                .hasMessage("missing the ComfyUI URL: pass --comfyui or set T2I_COMFYUI_URL");
    }

    @Test
    void rejectsInvalidValuesAndUnknownOptions() {
        assertThatThrownBy(() -> WorkerMain.parse(new String[] {"--server", "ftp://s", "--token", "t", "--comfyui", "http://c"}, NO_ENV))
                .hasMessage("--server: 'ftp://s' is not an http:// or https:// URL");
        assertThatThrownBy(() -> WorkerMain.parse(new String[] {"--server", "http://s", "--token", "t", "--comfyui", "localhost:8188"}, NO_ENV))
                .hasMessage("--comfyui: 'localhost:8188' is not an http:// or https:// URL");
        assertThatThrownBy(() -> WorkerMain.parse(new String[] {"--server", "http://s", "--token", "has space", "--comfyui", "http://c"}, NO_ENV))
                .hasMessageStartingWith("--token: token must be");
        assertThatThrownBy(() -> WorkerMain.parse(new String[] {"--server", "http://s", "--token", "t", "--comfyui", "http://c",
                "--name", "x".repeat(65)}, NO_ENV)).hasMessageStartingWith("--name: workerName must be 1 to 64");
        assertThatThrownBy(() -> WorkerMain.parse(new String[] {"--verbose"}, NO_ENV)).hasMessage("unknown option '--verbose'");
        assertThatThrownBy(() -> WorkerMain.parse(new String[] {"--server"}, NO_ENV)).hasMessage("--server needs a value");
    }

    @Test
    void readsTheTrainingAndLoraOptions(@org.junit.jupiter.api.io.TempDir java.nio.file.Path loras) {
        WorkerConfig config = WorkerMain.parse(new String[] {"--server", "http://s", "--token", "t", "--comfyui", "http://c",
                "--train", "--loras-dir", loras.toString(), "--lora-cache-mb=512"}, NO_ENV).orElseThrow();

        assertThat(config.train()).isTrue();
        assertThat(config.lorasDir()).isEqualTo(loras.toAbsolutePath().normalize());
        assertThat(config.keepsLoras()).isTrue();
        assertThat(config.loraCacheBytes()).isEqualTo(512L * 1024 * 1024);
    }

    @Test
    void trainsOnlyWhenAskedAndKeepsNoLorasWithoutAFolder() {
        WorkerConfig config = WorkerMain.parse(new String[] {"--server", "http://s", "--token", "t", "--comfyui", "http://c"},
                NO_ENV).orElseThrow();

        assertThat(config.train()).isFalse();
        assertThat(config.keepsLoras()).isFalse();
        assertThat(config.loraCacheBytes()).isEqualTo(2048L * 1024 * 1024);
    }

    @Test
    void readsTheTrainingAndLoraSettingsFromTheEnvironment(@org.junit.jupiter.api.io.TempDir java.nio.file.Path loras) {
        Map<String, String> env = Map.of("T2I_SERVER_URL", "http://s", "T2I_WORKER_TOKEN", "t", "T2I_COMFYUI_URL", "http://c",
                "T2I_WORKER_TRAIN", "true", "T2I_LORAS_DIR", loras.toString(), "T2I_LORA_CACHE_MB", "100");

        WorkerConfig config = WorkerMain.parse(new String[] {"--train=false"}, env).orElseThrow();

        assertThat(config.train()).isFalse();
        assertThat(config.lorasDir()).isEqualTo(loras.toAbsolutePath().normalize());
        assertThat(config.loraCacheBytes()).isEqualTo(100L * 1024 * 1024);
    }

    @Test
    void refusesALorasFolderThatIsNotThereAndACacheSizeThatIsNotANumber() {
        String[] base = {"--server", "http://s", "--token", "t", "--comfyui", "http://c"};

        assertThatThrownBy(() -> WorkerMain.parse(concat(base, "--loras-dir", "/no/such/folder"), NO_ENV))
                .hasMessageStartingWith("--loras-dir: ").hasMessageContaining("is not a folder");
        assertThatThrownBy(() -> WorkerMain.parse(concat(base, "--lora-cache-mb", "lots"), NO_ENV))
                .hasMessageStartingWith("--lora-cache-mb: 'lots' is not a whole number");
        assertThatThrownBy(() -> WorkerMain.parse(concat(base, "--lora-cache-mb", "0"), NO_ENV))
                .hasMessageStartingWith("--lora-cache-mb: '0'");
        assertThatThrownBy(() -> WorkerMain.parse(concat(base, "--train=maybe"), NO_ENV))
                .hasMessage("--train: 'maybe' is not true or false");
    }

    @Test
    void readsComfyUisFolderFromTheOptionOrTheEnvironmentAndRefusesOneWithoutInputAndOutput(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path comfy) throws Exception {
        String[] base = {"--server", "http://s", "--token", "t", "--comfyui", "http://c"};
        assertThatThrownBy(() -> WorkerMain.parse(concat(base, "--comfyui-dir", comfy.toString()), NO_ENV))
                .hasMessageStartingWith("--comfyui-dir: ").hasMessageContaining("is not ComfyUI's folder");
        assertThatThrownBy(() -> WorkerMain.parse(concat(base, "--comfyui-dir", "bad\0path"), NO_ENV))
                .hasMessageStartingWith("--comfyui-dir: ");
        java.nio.file.Files.createDirectories(comfy.resolve("input"));
        java.nio.file.Files.createDirectories(comfy.resolve("output"));

        assertThat(WorkerMain.parse(concat(base, "--comfyui-dir", comfy.toString()), NO_ENV).orElseThrow().comfyUiDir())
                .isEqualTo(comfy.toAbsolutePath().normalize());
        Map<String, String> env = Map.of("T2I_SERVER_URL", "http://s", "T2I_WORKER_TOKEN", "t", "T2I_COMFYUI_URL", "http://c",
                "T2I_COMFYUI_DIR", comfy.toString());
        assertThat(WorkerMain.parse(new String[0], env).orElseThrow().comfyUiDir()).isEqualTo(comfy.toAbsolutePath().normalize());
        assertThat(WorkerMain.parse(base, NO_ENV).orElseThrow().comfyUiDir()).isNull();
    }

    private static String[] concat(String[] base, String... more) {
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }
}
