package org.text2image.server.generation.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.text2image.server.support.Images;

/** {@link PngCheck} accepts whole PNGs with their size and refuses every way a file can be broken. */
class PngCheckTest {

    @Test
    void readsTheSizeOfWholeImagesOfEveryPixelFormat() throws Exception {
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_BYTE_GRAY,
                BufferedImage.TYPE_USHORT_GRAY, BufferedImage.TYPE_BYTE_BINARY, BufferedImage.TYPE_BYTE_INDEXED}) {
            assertThat(PngCheck.read(png(new BufferedImage(33, 17, type)))).as("type " + type)
                    .isEqualTo(new PngCheck.Size(33, 17));
        }
        assertThat(PngCheck.read(Images.png(512, 768))).isEqualTo(new PngCheck.Size(512, 768));
    }

    @Test
    void refusesAFileCutAnywhere() throws Exception {
        byte[] whole = noisyPng(64, 64);
        for (int length = 0; length < whole.length; length += Math.max(1, whole.length / 97)) {
            byte[] cut = Arrays.copyOf(whole, length);
            assertThatThrownBy(() -> PngCheck.read(cut)).as("cut at " + length).isInstanceOf(PngCheck.BrokenPngException.class);
        }
    }

    @Test
    void refusesAnAlteredByteEvenWhenItsChunkCrcIsMadeToMatch() throws Exception {
        byte[] altered = noisyPng(64, 64);
        int idat = indexOf(altered, "IDAT");
        int length = ByteBuffer.wrap(altered).getInt(idat - 4);
        altered[idat + 4 + length / 2] ^= 0x5A;
        assertThatThrownBy(() -> PngCheck.read(altered)).hasMessageContaining("CRC");

        CRC32 crc = new CRC32();
        crc.update(altered, idat, 4 + length);
        ByteBuffer.wrap(altered).putInt(idat + 4 + length, (int) crc.getValue());
        assertThatThrownBy(() -> PngCheck.read(altered)).isInstanceOf(PngCheck.BrokenPngException.class)
                .hasMessageContaining("image data");
    }

    @Test
    void refusesBytesThatOnlyStartLikeAPngOrAreNoPngAtAll() {
        byte[] png = Images.png(64, 64);
        assertThatThrownBy(() -> PngCheck.read(Arrays.copyOf(png, 64))).isInstanceOf(PngCheck.BrokenPngException.class);
        assertThatThrownBy(() -> PngCheck.read("GIF89a".getBytes())).hasMessageContaining("signature");
        assertThatThrownBy(() -> PngCheck.read(new byte[0])).hasMessageContaining("signature");
    }

    @Test
    void neverFailsWithAnythingButARefusalOnRandomDamage() throws Exception {
        byte[] whole = noisyPng(32, 32);
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] damaged = whole.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                damaged[8 + random.nextInt(damaged.length - 8)] = (byte) random.nextInt(256);
            }
            try {
                assertThat(PngCheck.read(damaged)).isNotNull();
            } catch (PngCheck.BrokenPngException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    private static byte[] noisyPng(int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(7);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        return png(image);
    }

    private static byte[] png(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static int indexOf(byte[] bytes, String type) {
        for (int i = 0; i + 4 <= bytes.length; i++) {
            if (bytes[i] == type.charAt(0) && bytes[i + 1] == type.charAt(1) && bytes[i + 2] == type.charAt(2)
                    && bytes[i + 3] == type.charAt(3)) {
                return i;
            }
        }
        throw new IllegalArgumentException(type);
    }
}
