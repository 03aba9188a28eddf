package org.text2image.server.support;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;

/** Real image bytes for tests. */
public final class Images {

    private Images() {
    }

    private static final Map<String, byte[]> PNGS = new ConcurrentHashMap<>();

    /** A PNG of the given size filled with one colour (made once per size; do not modify the array). */
    public static byte[] png(int width, int height) {
        return PNGS.computeIfAbsent(width + "x" + height, key -> draw(width, height));
    }

    private static byte[] draw(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(new Color(200, 80, 40));
        g.fillRect(0, 0, width, height);
        g.dispose();
        try (var out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
