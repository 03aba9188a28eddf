package org.text2image.server.generation.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.text2image.server.generation.DirectUpload;
import org.text2image.server.generation.DirectUploadOffException;
import org.text2image.server.generation.InvalidUploadException;
import org.text2image.server.generation.UploadedImage;
import org.text2image.server.storage.DirectUploads;
import org.text2image.server.support.Plurals;
import org.text2image.worker.api.WorkerApiLimits;

/**
 * Direct worker upload (docs/STORAGE.md, "Direct worker upload"): hands out presigned {@code PUT}
 * URLs for an attempt's images and, at completion, checks what the worker put there before the
 * images count.
 *
 * <p>The upload keys are {@code uploads/<job id>/<attempt>/<n>.png} ({@code n} from 0): they name
 * the job and the attempt, so a completion may name exactly those of its own attempt and nothing
 * else (another job's or attempt's object, or an image of the store, is refused). A completion's
 * objects are checked whole: {@code HeadObject} (there, of the declared size, within
 * {@value WorkerApiLimits#MAX_DIRECT_UPLOAD_BYTES} bytes, stored as {@code image/png}), then read
 * once ({@code GetObject}) and held to the declared MD5 and to the same checks as a multipart upload
 * ({@link UploadedImages#check}: a whole PNG of the job's size). Only then is each copied inside the
 * bucket to the normal image key {@code jobs/<job id>/<image id>} and its row written, in the
 * caller's transaction. Whatever the outcome, the attempt's upload objects are deleted when the
 * transaction ends (the copies too if it did not commit), so {@code uploads/} holds only uploads
 * never completed; a bucket lifecycle rule on the prefix removes those.
 */
@Component
class DirectUploadedImages {

    private static final Logger log = LoggerFactory.getLogger(DirectUploadedImages.class);
    private static final String PNG = "image/png";

    private final ObjectProvider<DirectUploads> uploads;
    private final JobRepository jobs;

    DirectUploadedImages(ObjectProvider<DirectUploads> uploads, JobRepository jobs) {
        this.uploads = uploads;
        this.jobs = jobs;
    }

    /**
     * One presigned {@code PUT} per declared image, in order.
     *
     * @throws DirectUploadOffException when the store takes no direct uploads
     * @throws InvalidUploadException when there are no images, more than the batch size, a size
     *     outside 1 … {@value WorkerApiLimits#MAX_DIRECT_UPLOAD_BYTES} or an MD5 that is not 16 bytes in Base64
     */
    List<DirectUpload.Target> presign(JobRow job, List<DirectUpload.Declared> images) {
        refuseVideo(job);
        DirectUploads store = store();
        checkCount(job, images == null ? 0 : images.size());
        List<DirectUpload.Target> targets = new ArrayList<>();
        for (int n = 0; n < images.size(); n++) {
            DirectUpload.Declared image = images.get(n);
            checkSize(n, image.size());
            String key = key(job, n);
            DirectUploads.PresignedUpload put = store.presignPut(key, PNG, image.size(), md5(n, image.md5()));
            targets.add(new DirectUpload.Target(key, put.url(), put.headers(), put.expiresAt()));
        }
        return targets;
    }

    /**
     * Checks the uploaded objects, then copies them to their image keys and writes their
     * {@code job_image} rows in the caller's transaction.
     *
     * @return how many images were stored
     * @throws DirectUploadOffException when the store takes no direct uploads
     * @throws InvalidUploadException when a key was not issued for this attempt, or an object is
     *     missing, not of the declared size or MD5, not stored as {@code image/png}, or not a whole PNG
     *     of the job's size: nothing is stored
     */
    int store(JobRow job, List<DirectUpload.Uploaded> images, Instant now) {
        refuseVideo(job);
        DirectUploads store = store();
        checkCount(job, images == null ? 0 : images.size());
        checkIssued(job, images);
        List<String> copies = new ArrayList<>();
        cleanUpAfterwards(store, images.stream().map(DirectUpload.Uploaded::key).toList(), copies);
        List<UploadedImage> read = new ArrayList<>();
        for (int n = 0; n < images.size(); n++) {
            read.add(new UploadedImage(images.get(n).key(), fetch(store, n, images.get(n))));
        }
        List<String> contentTypes = UploadedImages.check(job, read);
        for (int position = 0; position < read.size(); position++) {
            if (!contentTypes.get(position).equals(PNG)) {
                throw new InvalidUploadException("\"" + read.get(position).fileName() + "\" is not a PNG image.");
            }
            UUID imageId = UUID.randomUUID();
            String key = "jobs/" + job.id() + "/" + imageId;
            store.copy(read.get(position).fileName(), key);
            copies.add(key);
            jobs.insertImage(imageId, job.id(), position, key, PNG, read.get(position).bytes().length, now);
        }
        return read.size();
    }

    /** The upload key of image {@code n} (from 0) of the job's current attempt. */
    static String key(JobRow job, int n) {
        return "uploads/" + job.id() + "/" + job.attempt() + "/" + n + ".png";
    }

    /**
     * Direct upload is for images only: a video job's worker is told it is off (404), so it sends
     * the video with the multipart completion, where it is verified from a temporary file.
     */
    private static void refuseVideo(JobRow job) {
        if (job.parameters().isVideo()) {
            throw new DirectUploadOffException("Direct upload takes images only; this is a video job: complete it with the "
                    + "video (and its poster) as multipart/form-data.");
        }
    }

    private DirectUploads store() {
        DirectUploads store = uploads.getIfAvailable();
        if (store == null) {
            throw new DirectUploadOffException();
        }
        return store;
    }

    private static void checkCount(JobRow job, int count) {
        int most = Math.min(job.parameters().batchSize(), WorkerApiLimits.MAX_IMAGES_PER_COMPLETION);
        if (count == 0) {
            throw new InvalidUploadException("A completion needs at least one image.");
        }
        if (count > most) {
            throw new InvalidUploadException("This job has a batch size of " + job.parameters().batchSize()
                    + ", so a completion may carry at most " + Plurals.count(most, "image") + "; it named " + count + ".");
        }
    }

    private static void checkSize(int n, long size) {
        if (size < 1 || size > WorkerApiLimits.MAX_DIRECT_UPLOAD_BYTES) {
            throw new InvalidUploadException("Image " + n + " is declared as " + size + " bytes; an upload must be 1 to "
                    + WorkerApiLimits.MAX_DIRECT_UPLOAD_BYTES + " bytes.");
        }
    }

    private static byte[] md5(int n, String base64) {
        byte[] md5 = null;
        try {
            md5 = base64 == null ? null : Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            md5 = null;
        }
        if (md5 == null || md5.length != 16) {
            throw new InvalidUploadException("Image " + n + " needs its MD5 digest in Base64 (16 bytes, as Content-MD5).");
        }
        return md5;
    }

    /** Every key must be one this attempt was given, each at most once. */
    private static void checkIssued(JobRow job, List<DirectUpload.Uploaded> images) {
        Set<String> issued = new HashSet<>();
        for (int n = 0; n < Math.min(job.parameters().batchSize(), WorkerApiLimits.MAX_IMAGES_PER_COMPLETION); n++) {
            issued.add(key(job, n));
        }
        Set<String> seen = new HashSet<>();
        for (DirectUpload.Uploaded image : images) {
            if (image.key() == null || !issued.contains(image.key()) || !seen.add(image.key())) {
                throw new InvalidUploadException("\"" + image.key() + "\" is not an upload key issued for attempt "
                        + job.attempt() + " of this job (or it is named twice).");
            }
        }
    }

    /** The object's bytes, after {@code HeadObject} found it as declared; checked against the declared size and MD5. */
    private static byte[] fetch(DirectUploads store, int n, DirectUpload.Uploaded image) {
        String name = "\"" + image.key() + "\"";
        DirectUploads.UploadedObject head = store.head(image.key())
                .orElseThrow(() -> new InvalidUploadException(name + " was not uploaded: the store has no such object."));
        if (head.size() != image.size() || head.size() > WorkerApiLimits.MAX_DIRECT_UPLOAD_BYTES) {
            throw new InvalidUploadException(name + " holds " + head.size() + " bytes; " + image.size()
                    + " were declared (at most " + WorkerApiLimits.MAX_DIRECT_UPLOAD_BYTES + ").");
        }
        if (head.contentType() == null || !head.contentType().startsWith(PNG)) {
            throw new InvalidUploadException(name + " is stored as " + head.contentType() + ", not " + PNG + ".");
        }
        byte[] bytes = store.read(image.key())
                .orElseThrow(() -> new InvalidUploadException(name + " was not uploaded: the store has no such object."));
        if (bytes.length != image.size()) {
            throw new InvalidUploadException(name + " holds " + bytes.length + " bytes; " + image.size() + " were declared.");
        }
        if (image.md5() != null && !Arrays.equals(md5(n, image.md5()), Checksum.md5(bytes))) {
            throw new InvalidUploadException(name + " does not have the declared MD5 digest.");
        }
        return bytes;
    }

    private static void cleanUpAfterwards(DirectUploads store, List<String> uploaded, List<String> copies) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                uploaded.forEach(key -> deleteQuietly(store, key));
                if (status != STATUS_COMMITTED) {
                    copies.forEach(key -> deleteQuietly(store, key));
                }
            }
        });
    }

    private static void deleteQuietly(DirectUploads store, String key) {
        try {
            store.delete(key);
        } catch (RuntimeException e) {
            log.warn("Could not delete {} (a bucket lifecycle rule on uploads/ removes it): {}", key, e.getMessage());
        }
    }

    /** MD5, which every JDK has (Java Security Standard Algorithm Names). */
    private static final class Checksum {
        static byte[] md5(byte[] bytes) {
            try {
                return java.security.MessageDigest.getInstance("MD5").digest(bytes);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
