package org.text2image.server.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.text2image.worker.ImageFile;
import org.text2image.worker.WorkerApiClient;
import org.text2image.worker.api.ClaimRequest;
import org.text2image.worker.api.ClaimedJob;

/**
 * Puts a large image in the server the way a worker does: submits a 512×512 job through the form,
 * claims it over the worker API and completes it with a PNG of random pixels (about 770 KB, as a
 * detailed generated image; the stand-in draws one-colour images of about 1.5 KB). The embedded
 * worker must not be claiming meanwhile (its ComfyUI offline).
 */
final class ImageSeeder {

    private ImageSeeder() {
    }

    /** Returns the path of the seeded image as the job page links it. */
    static UUID seedNoiseImage(URI base, SiteClient owner) throws Exception {
        UUID job = owner.submit("a detailed image");
        if (job == null) {
            throw new IllegalStateException("the seed job was not accepted");
        }
        try (WorkerApiClient api = new WorkerApiClient(base, ServingBenchmark.TOKEN, Duration.ofSeconds(5), Duration.ofSeconds(30))) {
            ClaimedJob claimed = null;
            for (int i = 0; i < 100 && claimed == null; i++) {
                claimed = api.claim(new ClaimRequest("bench-seeder", true, List.of(ServingBenchmark.CHECKPOINT))).orElse(null);
                if (claimed == null) {
                    Thread.sleep(100);
                }
            }
            if (claimed == null || !claimed.jobId().equals(job)) {
                throw new IllegalStateException("could not claim the seed job " + job + ": " + claimed);
            }
            api.complete(job, claimed.attempt(), List.of(new ImageFile("noise.png", "image/png", noisePng(512, 512))));
        }
        String state = owner.awaitFinalState(job);
        if (!state.equals("SUCCEEDED")) {
            throw new IllegalStateException("the seed job ended " + state);
        }
        return job;
    }

    private static byte[] noisePng(int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(9);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
