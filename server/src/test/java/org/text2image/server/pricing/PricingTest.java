package org.text2image.server.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.text2image.server.catalog.VideoSpec;
import org.junit.jupiter.api.Test;
import org.text2image.server.catalog.Model;

/** The pricing rule: cost per image × size factor (base areas, rounded up) × batch size. */
class PricingTest {

    private static final Model SDXL = model(3, 1024, 1024);
    private final Pricing perModelBase = new Pricing(new PricingProperties(null, null));
    private final Pricing base512 = new Pricing(new PricingProperties(512, 512));

    @Test
    void theModelsDefaultSizeCostsItsCostPerImage() {
        Price price = perModelBase.price(SDXL, 1024, 1024, 1);
        assertThat(price.totalCredits()).isEqualTo(3);
        assertThat(price.sizeFactor()).isEqualTo(1);
        assertThat(price.breakdown()).isEqualTo("3 credits per image");
    }

    @Test
    void aLargerImageCostsItsBaseAreasRoundedUpAndSmallerOnesNeverLess() {
        assertThat(perModelBase.price(SDXL, 1024, 1088, 1).sizeFactor()).isEqualTo(2); // 1.06 base areas → 2
        assertThat(perModelBase.price(SDXL, 512, 512, 1).sizeFactor()).isEqualTo(1);
        assertThat(base512.price(SDXL, 1024, 1024, 1).totalCredits()).isEqualTo(12);
        assertThat(base512.price(SDXL, 768, 512, 1).sizeFactor()).isEqualTo(2);
    }

    @Test
    void theBreakdownNamesEveryFactorThatIsNotOne() {
        Price price = base512.price(SDXL, 1024, 1024, 2);
        assertThat(price.totalCredits()).isEqualTo(24);
        assertThat(price.breakdown()).isEqualTo("3 credits per image × 4 for 1024×1024 (base 512×512) × 2 images");
        assertThat(base512.price(model(1, 512, 512), 512, 512, 1).breakdown()).isEqualTo("1 credit per image");
    }

    @Test
    void badSettingsAndSizesAreRefused() {
        assertThatThrownBy(() -> new PricingProperties(512, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both");
        assertThatThrownBy(() -> new PricingProperties(-1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> perModelBase.price(SDXL, 0, 512, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> perModelBase.price(SDXL, 512, 512, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aVideoCostsItsModelsCostPerBaseVolumeOfFramesTimesPixelsRoundedUp() {
        Model wan = video(40, 832, 480, 33);
        Price base = perModelBase.video(wan, 832, 480, 33);
        assertThat(base.totalCredits()).isEqualTo(40);
        assertThat(base.breakdown()).isEqualTo("40 credits per video");
        Price longer = base512.video(wan, 832, 480, 81); // 81/33 = 2.45 base volumes → 3; the site's base size does not apply
        assertThat(longer.sizeFactor()).isEqualTo(3);
        assertThat(longer.totalCredits()).isEqualTo(120);
        assertThat(longer.breakdown()).isEqualTo("40 credits per video × 3 for 81 frames at 832×480 (base 33 frames at 832×480)");
        assertThat(perModelBase.video(wan, 480, 832, 5).totalCredits()).as("never below the cost of one video").isEqualTo(40);
        assertThat(perModelBase.price(wan, 832, 480, 1).totalCredits()).as("a video model's default video").isEqualTo(40);
        assertThatThrownBy(() -> perModelBase.video(SDXL, 512, 512, 33)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> perModelBase.video(wan, 832, 480, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Model video(long cost, int width, int height, int frames) {
        VideoSpec spec = new VideoSpec(new Model.Range<>(frames, 1, 129), new VideoSpec.FramesRule(4, 1),
                new Model.Range<>(16, 8, 24), 1280, 1280, List.of(new VideoSpec.Size(width, height)),
                Duration.ofMinutes(30), 200L << 20, false);
        return new Model("v", "V", "", "video", null, "v.safetensors", cost, true, width, height,
                new Model.Range<>(20, 1, 50), new Model.Range<>(7.0, 1.0, 20.0), "euler", "normal", List.of("euler"),
                List.of("normal"), false, false, spec);
    }

    private static Model model(long cost, int width, int height) {
        return new Model("m", "M", "", "image", null, "m.safetensors", cost, true, width, height,
                new Model.Range<>(20, 1, 50), new Model.Range<>(7.0, 1.0, 20.0), "euler", "normal", List.of("euler"),
                List.of("normal"), false, false);
    }
}
