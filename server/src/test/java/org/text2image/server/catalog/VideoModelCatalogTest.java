package org.text2image.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code "video"} block of a video model in the models file: read with its defaults, or refused by field. */
class VideoModelCatalogTest {

    private static final String VIDEO_TEMPLATE = """
            {"1": {"class_type": "EmptyImage", "inputs": {"width": "{{width}}", "height": "{{height}}",
                   "batch_size": "{{frames}}", "color": 0}},
             "2": {"class_type": "CreateVideo", "inputs": {"images": ["1", 0], "fps": "{{fps}}"}},
             "3": {"class_type": "SaveVideo", "inputs": {"video": ["2", 0], "filename_prefix": "{{filename_prefix}}",
                   "format": "auto", "codec": "auto"}}}""";
    private static final String IMAGE_TO_VIDEO_TEMPLATE = VIDEO_TEMPLATE.replace("\"color\": 0}}",
            "\"color\": 0}}, \"4\": {\"class_type\": \"LoadImage\", \"inputs\": {\"image\": \"{{input_image}}\"}}");

    @TempDir
    Path dir;

    @Test
    void readsAVideoModelWithItsFramesRuleSizesTimeoutAndSizeLimit() throws IOException {
        Model model = load("""
                "video": {"frames": {"default": 33, "min": 5, "max": 81, "rule": "4n+1"},
                          "fps": {"default": 16, "min": 8, "max": 24}, "max_width": 1280, "max_height": 1280,
                          "sizes": ["832x480", "480x832"], "attempt_timeout_minutes": 30, "max_megabytes": 200}""",
                VIDEO_TEMPLATE);
        assertThat(model.isVideo()).isTrue();
        VideoSpec video = model.video();
        assertThat(video.frames()).isEqualTo(new Model.Range<>(33, 5, 81));
        assertThat(video.framesRule()).isEqualTo(new VideoSpec.FramesRule(4, 1));
        assertThat(video.framesRule().allows(81)).isTrue();
        assertThat(video.framesRule().allows(80)).isFalse();
        assertThat(video.framesRule().nearest(80)).containsExactly(77, 81);
        assertThat(video.fps()).isEqualTo(new Model.Range<>(16, 8, 24));
        assertThat(video.sizes()).containsExactly(new VideoSpec.Size(832, 480), new VideoSpec.Size(480, 832));
        assertThat(video.attemptTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(video.maxBytes()).isEqualTo(200L * 1024 * 1024);
        assertThat(video.imageInput()).isFalse();
    }

    @Test
    void anImageModelHasNoVideoSettingsAndAnImageToVideoModelNeedsItsInputImage() throws IOException {
        assertThat(load(null, """
                {"1": {"class_type": "EmptyImage", "inputs": {"width": "{{width}}", "height": "{{height}}",
                       "batch_size": 1, "color": 0}},
                 "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "x"}}}""", "image")
                .video()).isNull();
        assertThat(load("\"video\": {\"frames\": {\"rule\": \"4n+1\"}, \"image_input\": true}", IMAGE_TO_VIDEO_TEMPLATE)
                .video().imageInput()).isTrue();
        assertRefused("\"video\": {\"frames\": {\"rule\": \"4n+1\"}}", IMAGE_TO_VIDEO_TEMPLATE,
                "uses {{input_image}}, so it needs \"image_input\": true");
        assertRefused("\"video\": {\"frames\": {\"rule\": \"4n+1\"}, \"image_input\": true}", VIDEO_TEMPLATE,
                "needs {{input_image}}");
    }

    @Test
    void badVideoBlocksAreRefusedNamingTheModelAndTheField() {
        assertRefused("\"video\": {\"frames\": {\"default\": 32, \"min\": 5, \"max\": 81, \"rule\": \"4n+1\"}}",
                VIDEO_TEMPLATE, "frames 32 does not follow the rule 4n+1");
        assertRefused("\"video\": {\"frames\": {\"rule\": \"every fourth\"}}", VIDEO_TEMPLATE, "must read like 4n+1");
        assertRefused("\"video\": {\"frames\": {\"rule\": \"4n+5\"}}", VIDEO_TEMPLATE, "offset below the step");
        assertRefused("\"video\": {\"fps\": {\"default\": 0}}", VIDEO_TEMPLATE, "fps needs 1 ≤ min");
        assertRefused("\"video\": {\"sizes\": [\"huge\"]}", VIDEO_TEMPLATE, "must read like \"832x480\"");
        assertRefused("\"video\": {\"sizes\": [\"4000x480\"]}", VIDEO_TEMPLATE, "is outside");
        assertRefused("\"video\": {\"max_megabytes\": 4096}", VIDEO_TEMPLATE, "max_megabytes must be 1 … 512");
        assertRefused("\"video\": {\"attempt_timeout_minutes\": 0}", VIDEO_TEMPLATE, "attempt_timeout_minutes");
        assertRefused(null, VIDEO_TEMPLATE, "needs a \"video\" object");
        assertRefused("\"video\": {}", VIDEO_TEMPLATE.replace("\"{{frames}}\"", "1"), "must use {{frames}}");
        assertThatThrownBy(() -> load("\"video\": {}", VIDEO_TEMPLATE, "image"))
                .isInstanceOf(InvalidModelCatalogException.class).hasMessageContaining("needs \"kind\": \"video\"");
        assertThatThrownBy(() -> load(null, VIDEO_TEMPLATE, "audio"))
                .isInstanceOf(InvalidModelCatalogException.class).hasMessageContaining("\"kind\" must be");
    }

    private void assertRefused(String videoBlock, String template, String message) {
        assertThatThrownBy(() -> load(videoBlock, template)).isInstanceOf(InvalidModelCatalogException.class)
                .hasMessageContaining("model \"clip\"").hasMessageContaining(message);
    }

    private Model load(String videoBlock, String template) throws IOException {
        return load(videoBlock, template, "video");
    }

    private Model load(String videoBlock, String template, String kind) throws IOException {
        Files.writeString(dir.resolve("wf.json"), template);
        Path file = dir.resolve("models.json");
        Files.writeString(file, "{\"models\": [{\"id\": \"clip\", \"name\": \"Clip\", \"kind\": \"" + kind
                + "\", \"workflow\": \"wf.json\", \"cost_credits\": 20, \"width\": 832, \"height\": 480"
                + (videoBlock == null ? "" : ", " + videoBlock) + "}]}");
        return ModelCatalogLoader.load(file).find("clip").orElseThrow();
    }
}
