package org.text2image.server.generation;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.text2image.server.account.SignedInUser;
import org.text2image.worker.api.ClaimRequest;
import org.text2image.worker.api.ClaimedJob;

/** A real PNG, and a job completed with it as a worker would do (claim, then complete). */
final class TestImages {

    static final byte[] PNG = png();

    private TestImages() {
    }

    /** Claims the next queued job (it must be {@code job}) and completes it with {@link #PNG}; returns the image id. */
    static UUID complete(JobQueue queue, GenerationService generation, JobView job, SignedInUser owner) {
        ClaimedJob claimed = queue.claim(new ClaimRequest("test-worker", true, List.of())).orElseThrow();
        if (!claimed.jobId().equals(job.id())) {
            throw new IllegalStateException("Claimed " + claimed.jobId() + ", expected " + job.id());
        }
        queue.complete(job.id(), claimed.attempt(), List.of(new UploadedImage("a.png", PNG)));
        return generation.find(job.id(), new Viewer(owner.id(), false)).orElseThrow().images().getFirst().id();
    }

    private static byte[] png() {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 64; x++) {
            for (int y = 0; y < 64; y++) {
                image.setRGB(x, y, new Color(x * 4, y * 4, 128).getRGB());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
