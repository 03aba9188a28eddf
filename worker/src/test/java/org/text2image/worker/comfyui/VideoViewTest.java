package org.text2image.worker.comfyui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.text2image.worker.comfyui.standin.ComfyUiFixtures;
import org.text2image.worker.comfyui.standin.ComfyUiStandIn;
import tools.jackson.databind.json.JsonMapper;

/** Video outputs in a history and their download with {@code /view}. */
class VideoViewTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ComfyUiStandIn comfyUi;
    private ComfyUiClient client;

    @BeforeEach
    void start() throws Exception {
        comfyUi = new ComfyUiStandIn().start();
        client = new ComfyUiClient(comfyUi.baseUrl(), Duration.ofSeconds(2), Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        client.close();
        comfyUi.close();
    }

    @Test
    void readsEveryOutputOfTheCapturedVideoHistoryInNodeOrder() {
        PromptHistory history = ComfyUiResponses.history("f8d5fb8a-056d-47fd-a95c-8aa57877f347",
                JSON.readTree(ComfyUiFixtures.text("video/history_video_outputs.json"))).orElseThrow();

        assertThat(history.succeeded()).isTrue();
        assertThat(history.outputImages()).extracting(ImageRef::filename).containsExactly("single_webp_00002_.webp",
                "anim_webp_00002_.webp", "anim_png_00002_.png", "webm_00002_.webm", "video_00002_.mp4");
        assertThat(history.outputImages()).allSatisfy(ref -> assertThat(ref.subfolder()).isEqualTo("captures2"));
    }

    @Test
    void downloadsTheStandInsVideoFilesAsWritten() throws InterruptedException {
        PromptHistory history = runVideoWorkflow();

        assertThat(history.outputImages()).extracting(ImageRef::filename)
                .containsExactlyInAnyOrder("video_00001_.mp4", "webm_00001_.webm");
        for (ImageRef ref : history.outputImages()) {
            byte[] bytes = client.view(ref);
            if (ref.filename().endsWith(".mp4")) {
                assertThat(new String(bytes, 4, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ftyp");
            } else {
                assertThat(bytes).startsWith(0x1A, 0x45, 0xDF - 256, 0xA3 - 256);
            }
        }
    }

    @Test
    void refusesAFileOverTheLimitOnItsContentLengthWithoutReadingIt() throws InterruptedException {
        PromptHistory history = runVideoWorkflow();
        ImageRef mp4 = history.outputImages().stream().filter(ref -> ref.filename().endsWith(".mp4")).findFirst().orElseThrow();
        client.maxViewBytes(16);

        assertThatThrownBy(() -> client.view(mp4)).isInstanceOf(ComfyUiException.class)
                .hasMessageContaining("GET /view answered").hasMessageContaining("more than the limit of 16 bytes");
    }

    @Test
    void streamsAVideoIntoAFileWithTheBytesViewSends(@TempDir Path folder) throws Exception {
        PromptHistory history = runVideoWorkflow();
        for (ImageRef ref : history.outputImages()) {
            Path target = folder.resolve(ref.filename());

            long written = client.download(ref, target);

            assertThat(Files.readAllBytes(target)).isEqualTo(client.view(ref));
            assertThat(written).isEqualTo(Files.size(target));
        }
    }

    @Test
    void refusesToDownloadAFileOverTheLimitBeforeWritingAnyOfIt(@TempDir Path folder) throws Exception {
        PromptHistory history = runVideoWorkflow();
        ImageRef webm = history.outputImages().stream().filter(ref -> ref.filename().endsWith(".webm")).findFirst().orElseThrow();
        client.maxViewBytes(16);
        Path target = folder.resolve("video.webm");

        assertThatThrownBy(() -> client.download(webm, target)).isInstanceOf(ComfyUiOutputTooLargeException.class)
                .hasMessageContaining("more than the limit of 16 bytes").hasMessageContaining("webm_00001_.webm");
        assertThat(target).doesNotExist();
    }

    @Test
    void stopsADownloadWithoutALengthOnceItPassesTheLimit(@TempDir Path folder) throws Exception {
        PromptHistory history = runVideoWorkflow();
        ImageRef mp4 = history.outputImages().stream().filter(ref -> ref.filename().endsWith(".mp4")).findFirst().orElseThrow();
        comfyUi.sendViewsChunked(true);
        Path whole = folder.resolve("whole.mp4");
        long size = client.download(mp4, whole);
        client.maxViewBytes((int) size - 1);

        assertThatThrownBy(() -> client.download(mp4, folder.resolve("cut.mp4")))
                .isInstanceOf(ComfyUiOutputTooLargeException.class)
                .hasMessage("GET /view answered more than the limit of " + (size - 1) + " bytes for " + mp4.filename());
        assertThat(Files.size(folder.resolve("cut.mp4"))).isLessThan(size);
    }

    @Test
    void namesAMissingVideoFile(@TempDir Path folder) {
        assertThatThrownBy(() -> client.download(new ImageRef("gone_00001_.mp4", "captures2", "output"),
                folder.resolve("gone.mp4"))).isInstanceOf(ComfyUiException.class).hasMessageContaining("has no file");
    }

    private PromptHistory runVideoWorkflow() throws InterruptedException {
        PromptRun.Timing fast = new PromptRun.Timing(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(50),
                Duration.ofSeconds(2));
        try (PromptRun run = PromptRun.open(client, "client-1", "video-1", (value, max) -> { }, fast,
                java.time.Clock.systemUTC())) {
            client.submit(ComfyUiFixtures.videoWorkflow(), "video-1", "client-1");
            return run.awaitDone(Duration.ofSeconds(20)).orElseThrow(() -> new AssertionError("prompt not done"));
        }
    }
}
