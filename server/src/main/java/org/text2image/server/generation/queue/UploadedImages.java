package org.text2image.server.generation.queue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.text2image.server.generation.InvalidUploadException;
import org.text2image.server.generation.UploadedImage;
import org.text2image.server.storage.ImageStore;
import org.text2image.server.support.Plurals;
import org.text2image.worker.api.WorkerApiLimits;

/**
 * Checks a completion's images against the job and stores them. Every file is checked whole — a
 * PNG by {@link PngCheck} (every chunk's CRC, and its image data inflated to exactly the size its
 * header calls for, without holding the pixels), a JPEG by decoding it with the JDK's ImageIO — so
 * bytes that only start like an image are refused, and each must
 * have the job's width and height (or, for a size that is not a multiple of 8, the multiple of 8
 * below it, as Stable Diffusion renders it); there are 1 … batch-size files (at most
 * {@value WorkerApiLimits#MAX_IMAGES_PER_COMPLETION}). A refusal stores nothing.
 */
@Component
class UploadedImages {

    private final JobRepository jobs;
    private final ImageStore store;

    UploadedImages(JobRepository jobs, ImageStore store) {
        this.jobs = jobs;
        this.store = store;
    }

    /**
     * Checks every image, then writes the files and their {@code job_image} rows in the caller's
     * transaction; the files are removed again if that transaction does not commit.
     *
     * @throws InvalidUploadException when there are no images, more than the job's batch size, or
     *     a file is not a whole PNG or JPEG of the job's size
     */
    void store(JobRow job, List<UploadedImage> images, Instant now) {
        List<String> contentTypes = check(job, images);
        List<String> written = new ArrayList<>();
        deleteOnRollback(store, written);
        for (int position = 0; position < images.size(); position++) {
            UUID imageId = UUID.randomUUID();
            String key = "jobs/" + job.id() + "/" + imageId;
            byte[] bytes = images.get(position).bytes();
            store.put(key, bytes);
            written.add(key);
            jobs.insertImage(imageId, job.id(), position, key, contentTypes.get(position), bytes.length, now);
        }
    }

    /**
     * Checks images as a completion's: 1 … batch-size whole PNG or JPEG files of the job's size.
     *
     * @return each image's content type ({@code image/png} or {@code image/jpeg}), in order
     * @throws InvalidUploadException naming the first file that fails
     */
    static List<String> check(JobRow job, List<UploadedImage> images) {
        int batchSize = job.parameters().batchSize();
        if (images.isEmpty()) {
            throw new InvalidUploadException("A completion needs at least one image.");
        }
        if (images.size() > Math.min(batchSize, WorkerApiLimits.MAX_IMAGES_PER_COMPLETION)) {
            throw new InvalidUploadException("This job has a batch size of " + batchSize + ", so a completion may carry at most "
                    + Plurals.count(Math.min(batchSize, WorkerApiLimits.MAX_IMAGES_PER_COMPLETION), "image")
                    + "; it carried " + images.size() + ".");
        }
        return images.stream().map(image -> checkImage(job, image)).toList();
    }

    /**
     * Checks one image: a whole PNG or JPEG of the job's size.
     *
     * @return its content type ({@code image/png} or {@code image/jpeg})
     * @throws InvalidUploadException naming the file when it fails
     */
    static String checkImage(JobRow job, UploadedImage image) {
        String name = "\"" + image.fileName() + "\"";
        String contentType = ImageFormats.sniff(image.bytes()).filter(type -> !type.equals("image/webp"))
                .orElseThrow(() -> new InvalidUploadException(name + " is not a PNG or JPEG image."));
        int[] size = size(image, name, contentType);
        int width = job.parameters().width();
        int height = job.parameters().height();
        if (!fits(size[0], width) || !fits(size[1], height)) {
            throw new InvalidUploadException(name + " is " + size[0] + "×" + size[1]
                    + " pixels; this job asked for " + width + "×" + height + ".");
        }
        return contentType;
    }

    /**
     * The width and height of a whole image: a PNG through {@link PngCheck} (no pixels in memory),
     * a JPEG (or an interlaced PNG) by decoding it.
     */
    private static int[] size(UploadedImage image, String name, String contentType) {
        if (contentType.equals("image/png")) {
            try {
                PngCheck.Size png = PngCheck.read(image.bytes());
                if (png != null) {
                    return new int[] {png.width(), png.height()};
                }
            } catch (PngCheck.BrokenPngException e) {
                throw new InvalidUploadException(name + " is not a whole PNG image: " + e.getMessage() + ".");
            }
        }
        BufferedImage decoded;
        try {
            decoded = ImageIO.read(new ByteArrayInputStream(image.bytes()));
        } catch (IOException | RuntimeException e) {
            decoded = null;
        }
        if (decoded == null) {
            throw new InvalidUploadException(name + " could not be decoded: it is not a whole " + contentType + " image.");
        }
        return new int[] {decoded.getWidth(), decoded.getHeight()};
    }

    /**
     * Whether an image side has the size asked for. Stable Diffusion's latent space works in blocks
     * of 8 pixels, so a size that is not a multiple of 8 comes back rounded down to one.
     */
    static boolean fits(int actual, int asked) {
        return actual == asked || actual == asked - asked % 8;
    }

    /**
     * Removes the stored {@code keys} again when the caller's transaction does not commit (the list
     * is read then, so keys added after this call count too). Completions of images and of videos
     * both use it.
     */
    static void deleteOnRollback(ImageStore store, List<String> keys) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                if (status != STATUS_COMMITTED) {
                    keys.forEach(store::delete);
                }
            }
        });
    }
}
