package org.text2image.server.generation.queue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Upload check benchmark: the time to check one uploaded PNG with {@link PngCheck} against
 * decoding it with {@code ImageIO.read} (how uploads were checked before), in the same JVM, side
 * by side, for the sizes a worker uploads. The images carry gradients and noise, so they compress
 * like generated images rather than flat colours. Prints a table (also written to
 * {@code target/benchmarks/upload-check.md}); figures go to docs/BENCHMARKS.md. Not part of the
 * test suite; run it with {@code bench/upload-check.sh}.
 */
class UploadCheckBenchmark {

    private static final int WARM_UP = 15;
    private static final int SAMPLES = 40;

    @Test
    void pngCheckAgainstAFullDecode() throws Exception {
        List<String> rows = new ArrayList<>();
        for (int side : new int[] {512, 1024, 2048}) {
            byte[] png = generatedLookingPng(side);
            double decode = medianMs(() -> ImageIO.read(new ByteArrayInputStream(png)));
            double check = medianMs(() -> PngCheck.read(png));
            rows.add(String.format(Locale.ROOT, "| %d×%d | %,d KB | %.2f ms | %.2f ms | %.2f x |", side, side,
                    png.length / 1024, check, decode, check / decode));
        }
        String table = String.join("\n",
                "| image | PNG size | PngCheck p50 | ImageIO.read p50 (anchor) | ratio |",
                "|---|---|---|---|---|",
                String.join("\n", rows));
        System.out.println(table);
        Path out = Path.of("target", "benchmarks", "upload-check.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table + "\n");
    }

    private interface Check {
        Object run() throws Exception;
    }

    private static double medianMs(Check check) throws Exception {
        double[] times = new double[SAMPLES];
        for (int i = 0; i < WARM_UP + SAMPLES; i++) {
            long start = System.nanoTime();
            if (check.run() == null) {
                throw new IllegalStateException("the check found no image");
            }
            if (i >= WARM_UP) {
                times[i - WARM_UP] = (System.nanoTime() - start) / 1e6;
            }
        }
        Arrays.sort(times);
        return times[SAMPLES / 2];
    }

    private static byte[] generatedLookingPng(int side) throws Exception {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(side);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int r = (x * 255 / side + random.nextInt(24)) & 0xFF;
                int g = (y * 255 / side + random.nextInt(24)) & 0xFF;
                int b = ((x + y) * 127 / side + random.nextInt(24)) & 0xFF;
                image.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
