package org.text2image.server.generation.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.text2image.server.catalog.Model;
import org.text2image.server.catalog.VideoSpec;
import org.text2image.server.plans.Plan;

/**
 * A fresh Generate form's video defaults fit the user's plan, so the form never offers what submit
 * refuses: the shipped LTX-Video (97 frames, 8n+1) and Wan 2.2 (1280×704, 121 frames) models on the
 * shipped Free plan (33 frames, 399360 pixels).
 */
class GenerateFormDefaultsTest {

    private static final Plan.VideoLimits FREE = new Plan.VideoLimits(33, 399_360);

    @Test
    void framesAboveThePlansLimitBecomeTheLongestLengthTheRuleAllowsUpToIt() {
        GenerateForm form = GenerateForm.defaults(video(768, 512, 97, 9, 8, List.of()), FREE);

        assertThat(form.frames()).isEqualTo("33"); // 8 × 4 + 1
        assertThat(form.width() + "x" + form.height()).as("768×512 is within 399360 pixels").isEqualTo("768x512");
        assertThat(GenerateForm.defaults(video(768, 512, 97, 9, 8, List.of()), new Plan.VideoLimits(30, 399_360)).frames())
                .isEqualTo("25");
    }

    @Test
    void aSizeAboveThePlansLimitBecomesTheLargestPresetWithinItElseTheDefaultScaledDown() {
        GenerateForm withPresets = GenerateForm.defaults(video(1280, 704, 121, 5, 4,
                List.of(new VideoSpec.Size(1280, 704), new VideoSpec.Size(704, 1280), new VideoSpec.Size(832, 480),
                        new VideoSpec.Size(640, 640))), FREE);
        assertThat(withPresets.width() + "x" + withPresets.height()).isEqualTo("832x480");
        assertThat(withPresets.frames()).isEqualTo("33");

        GenerateForm scaled = GenerateForm.defaults(video(1280, 704, 121, 5, 4, List.of(new VideoSpec.Size(1280, 704))), FREE);
        int width = Integer.parseInt(scaled.width());
        int height = Integer.parseInt(scaled.height());
        assertThat((long) width * height).isLessThanOrEqualTo(399_360);
        assertThat(width % 16 + height % 16).isZero();
        assertThat((double) width / height).isCloseTo(1280.0 / 704, org.assertj.core.data.Offset.offset(0.05));
        assertThat(scaled.width() + "x" + scaled.height()).isEqualTo("848x464"); // × √(399360 / 901120) ≈ 0.666
    }

    @Test
    void whatThePlanAllowsAndImageModelsAreLeftAsTheModelSays() {
        Model ltx = video(768, 512, 97, 9, 8, List.of());
        assertThat(GenerateForm.defaults(ltx, Plan.VideoLimits.NONE)).isEqualTo(GenerateForm.defaults(ltx));
        assertThat(GenerateForm.defaults(video(768, 512, 97, 41, 8, List.of()), FREE).frames())
                .as("even the shortest length is above the plan's: submit explains").isEqualTo("97");
    }

    private static Model video(int width, int height, int frames, int minFrames, int step, List<VideoSpec.Size> sizes) {
        VideoSpec spec = new VideoSpec(new Model.Range<>(frames, minFrames, 161), new VideoSpec.FramesRule(step, 1),
                new Model.Range<>(24, 8, 30), 1280, 1280, sizes, Duration.ofMinutes(30), 200L << 20, false);
        return new Model("v", "V", "", "video", null, "v.safetensors", 30, true, width, height,
                new Model.Range<>(30, 10, 50), new Model.Range<>(3.0, 1.0, 10.0), "euler", "simple", List.of("euler"),
                List.of("simple"), false, false, spec);
    }
}
