package org.text2image.server.training;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Checks one uploaded dataset image (docs/TRAINING.md, "Datasets"): at most {@value #MAX_BYTES}
 * bytes (checked before anything is decoded), a PNG, JPEG or WebP (told by its bytes, not its name;
 * WebP through the TwelveMonkeys ImageIO plugin), at least {@value #MIN_SHORT_SIDE} px on the short
 * side and at most {@value #MAX_LONG_SIDE} px on the long side. The size comes from the header
 * before any pixel is decoded (no decode bombs); the pixels are then decoded subsampled to at most
 * about {@value #CHECK_SIDE} px, which reads the whole stream (a truncated file fails) without
 * holding a full-size image in memory.
 */
public final class DatasetImageCheck {

    /** Largest image file, in bytes (10 MB). */
    public static final long MAX_BYTES = 10L * 1024 * 1024;
    /** Smallest short side, in pixels. */
    public static final int MIN_SHORT_SIDE = 512;
    /** Largest long side, in pixels. */
    public static final int MAX_LONG_SIDE = 8192;
    private static final int CHECK_SIDE = 1024;

    /** ImageIO format name (lower case) → the content type stored and served. */
    private static final Map<String, String> TYPES = Map.of("png", "image/png", "jpeg", "image/jpeg", "webp", "image/webp");

    private DatasetImageCheck() {
    }

    /**
     * A checked image.
     *
     * @param contentType {@code image/png}, {@code image/jpeg} or {@code image/webp}
     * @param width in pixels
     * @param height in pixels
     */
    public record Checked(String contentType, int width, int height) {
    }

    /**
     * Whether a file of {@code size} bytes may be decoded at all.
     *
     * @throws DatasetInputException (field {@code images}) when it is empty or over {@value #MAX_BYTES} bytes
     */
    public static void checkSize(String filename, long size) {
        if (size <= 0) {
            throw new DatasetInputException("images", filename + " is empty.");
        }
        if (size > MAX_BYTES) {
            throw new DatasetInputException("images", filename + " is larger than 10 MB.");
        }
    }

    /**
     * Checks the bytes of one image.
     *
     * @param filename the uploaded name, only for the message
     * @throws DatasetInputException (field {@code images}) with a message naming the file and the rule it breaks
     */
    public static Checked check(String filename, byte[] bytes) {
        checkSize(filename, bytes.length);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw notAnImage(filename);
            }
            ImageReader reader = readers.next();
            try {
                String contentType = TYPES.get(reader.getFormatName().toLowerCase(Locale.ROOT));
                if (contentType == null) {
                    throw notAnImage(filename);
                }
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (Math.max(width, height) > MAX_LONG_SIDE) {
                    throw new DatasetInputException("images", "%s is %d×%d px: the long side may be at most %d px."
                            .formatted(filename, width, height, MAX_LONG_SIDE));
                }
                if (Math.min(width, height) < MIN_SHORT_SIDE) {
                    throw new DatasetInputException("images", "%s is %d×%d px: the short side must be at least %d px."
                            .formatted(filename, width, height, MIN_SHORT_SIDE));
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = Math.max(1, Math.max(width, height) / CHECK_SIDE);
                param.setSourceSubsampling(step, step, 0, 0);
                BufferedImage decoded = reader.read(0, param);
                if (decoded == null) {
                    throw notAnImage(filename);
                }
                return new Checked(contentType, width, height);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DatasetInputException refused) {
                throw refused;
            }
            throw notAnImage(filename);
        }
    }

    private static DatasetInputException notAnImage(String filename) {
        return new DatasetInputException("images", filename + " is not a PNG, JPEG or WebP image that can be read.");
    }
}
