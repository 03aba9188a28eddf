package org.text2image.server.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The checks of one dataset image (docs/TRAINING.md, "Datasets") without a server: the type comes
 * from the bytes, the size from the header, a truncated file is refused, and WebP can be read.
 */
class DatasetImageCheckTest {

    @Test
    void aJpegIsAcceptedWithItsTypeAndSizeFromItsBytes() throws IOException {
        DatasetImageCheck.Checked checked = DatasetImageCheck.check("photo.png", encode("jpeg", 640, 512));

        assertThat(checked).isEqualTo(new DatasetImageCheck.Checked("image/jpeg", 640, 512));
    }

    @Test
    void aTruncatedPngIsRefusedAsUnreadable() throws IOException {
        byte[] png = encode("png", 512, 512);
        byte[] truncated = Arrays.copyOf(png, png.length / 2);

        assertThatThrownBy(() -> DatasetImageCheck.check("cut.png", truncated))
                .isInstanceOf(DatasetInputException.class)
                .hasMessage("cut.png is not a PNG, JPEG or WebP image that can be read.");
    }

    @Test
    void aGifIsRefusedThoughImageIoReadsIt() throws IOException {
        assertThatThrownBy(() -> DatasetImageCheck.check("anim.gif", encode("gif", 512, 512)))
                .isInstanceOf(DatasetInputException.class)
                .hasMessage("anim.gif is not a PNG, JPEG or WebP image that can be read.");
    }

    @Test
    void aWebpReaderIsInstalled() {
        assertThat(ImageIO.getImageReadersByFormatName("webp").hasNext())
                .as("the TwelveMonkeys imageio-webp plugin is on the class path").isTrue();
    }

    @Test
    void aRealWebpIsDecodedAndAcceptedAndATruncatedOneIsRefused() throws IOException {
        // A lossy 600 × 520 gradient written by libwebp (WebPEncodeRGB, quality 60): images/gradient-600x520.webp
        byte[] webp;
        try (var in = DatasetImageCheckTest.class.getResourceAsStream("/images/gradient-600x520.webp")) {
            webp = in.readAllBytes();
        }

        assertThat(DatasetImageCheck.check("photo.webp", webp)).isEqualTo(new DatasetImageCheck.Checked("image/webp", 600, 520));
        assertThatThrownBy(() -> DatasetImageCheck.check("cut.webp", Arrays.copyOf(webp, webp.length / 2)))
                .isInstanceOf(DatasetInputException.class)
                .hasMessage("cut.webp is not a PNG, JPEG or WebP image that can be read.");
    }

    @Test
    void theSizeIsCheckedBeforeAnyDecoding() {
        assertThatThrownBy(() -> DatasetImageCheck.checkSize("big.png", DatasetImageCheck.MAX_BYTES + 1))
                .isInstanceOf(DatasetInputException.class).hasMessage("big.png is larger than 10 MB.");
        DatasetImageCheck.checkSize("ok.png", DatasetImageCheck.MAX_BYTES);
    }

    private static byte[] encode(String format, int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).isTrue();
        return out.toByteArray();
    }
}
