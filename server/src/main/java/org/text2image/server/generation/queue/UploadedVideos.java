package org.text2image.server.generation.queue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.text2image.server.catalog.Model;
import org.text2image.server.catalog.ModelCatalog;
import org.text2image.server.catalog.VideoSpec;
import org.text2image.server.generation.InvalidUploadException;
import org.text2image.server.generation.UploadedImage;
import org.text2image.server.generation.UploadedVideo;
import org.text2image.server.storage.ImageStore;

/**
 * Checks and stores the completion of a video job: exactly one video (MP4 or WebM,
 * {@link VideoCheck}) and at most one poster, its first frame as a whole PNG of the job's size
 * (written by the template's SaveImage). The video is copied from the upload to a temporary file
 * (never held in memory), verified there and stored from there at {@code jobs/<job id>/<image id>}
 * with its type; the poster at {@code jobs/<job id>/<image id>-poster}, named by the row's
 * {@code poster_key}. A refusal stores nothing; the files are removed again if the caller's
 * transaction does not commit.
 */
@Component
class UploadedVideos {

    /**
     * The limit for a job whose model is gone from the catalog or is no longer a video model: the
     * largest upload the servlet container accepts ({@code spring.servlet.multipart.max-file-size}).
     */
    static final long FALLBACK_MAX_BYTES = 1024L * 1024 * 1024;

    private final JobRepository jobs;
    private final ImageStore store;
    private final ModelCatalog catalog;

    UploadedVideos(JobRepository jobs, ImageStore store, ModelCatalog catalog) {
        this.jobs = jobs;
        this.store = store;
        this.catalog = catalog;
    }

    /**
     * Checks the video and the poster, then writes the files and the {@code job_image} row in the
     * caller's transaction.
     *
     * @param images the completion's image parts: none, or the poster
     * @param videos the completion's video parts: exactly one
     * @return 1 (the one video stored)
     * @throws InvalidUploadException when there is no video or more than one, more than one image,
     *     a poster that is not a whole PNG of the job's size, or a video that fails {@link VideoCheck}:
     *     nothing is stored
     * @throws UncheckedIOException when the upload cannot be copied to a temporary file
     */
    int store(JobRow job, List<UploadedImage> images, List<UploadedVideo> videos, Instant now) {
        if (videos.size() != 1) {
            throw new InvalidUploadException("A video job's completion carries exactly one video (MP4 or WebM); it carried "
                    + videos.size() + ".");
        }
        if (images.size() > 1) {
            throw new InvalidUploadException("A video job's completion carries at most one image, the video's poster (a PNG);"
                    + " it carried " + images.size() + ".");
        }
        UploadedImage poster = images.isEmpty() ? null : images.getFirst();
        if (poster != null && !UploadedImages.checkImage(job, poster).equals("image/png")) {
            throw new InvalidUploadException("\"" + poster.fileName() + "\": a video's poster must be a PNG image.");
        }
        UploadedVideo video = videos.getFirst();
        long maxBytes = maxBytes(job);
        if (video.size() >= 0) {
            VideoCheck.checkSize(video.fileName(), video.size(), maxBytes);
        }
        String declared = VideoCheck.declaredType(video.contentType(), video.fileName())
                .orElseThrow(() -> new InvalidUploadException("\"" + video.fileName() + "\" is not an MP4 or WebM video."));
        Path file = null;
        try {
            file = Files.createTempFile("text2image-video-", declared.equals(VideoCheck.MP4) ? ".mp4" : ".webm");
            copy(video, file, maxBytes);
            String contentType = VideoCheck.check(video.fileName(), declared, file, maxBytes, job.parameters().width(),
                    job.parameters().height());
            write(job, file, contentType, poster, now);
            return 1;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the uploaded video \"" + video.fileName() + "\"", e);
        } finally {
            deleteQuietly(file);
        }
    }

    private void write(JobRow job, Path file, String contentType, UploadedImage poster, Instant now) throws IOException {
        UUID imageId = UUID.randomUUID();
        String key = "jobs/" + job.id() + "/" + imageId;
        String posterKey = poster == null ? null : posterKey(key);
        List<String> written = new ArrayList<>();
        UploadedImages.deleteOnRollback(store, written);
        store.put(key, file);
        written.add(key);
        if (poster != null) {
            store.put(posterKey, poster.bytes());
            written.add(posterKey);
        }
        jobs.insertVideo(imageId, job.id(), key, contentType, Files.size(file), posterKey,
                poster == null ? null : (long) poster.bytes().length, now);
    }

    /** Where a video's poster is stored, next to the video's key. */
    static String posterKey(String videoKey) {
        return videoKey + "-poster";
    }

    /** The model's video size limit ({@link VideoSpec#maxBytes()}), or {@link #FALLBACK_MAX_BYTES}. */
    private long maxBytes(JobRow job) {
        return catalog.find(job.parameters().modelId()).map(Model::video).map(VideoSpec::maxBytes)
                .orElse(FALLBACK_MAX_BYTES);
    }

    /** Copies the upload to {@code file}, refusing it as soon as it passes {@code maxBytes} (when its size was not declared). */
    private static void copy(UploadedVideo video, Path file, long maxBytes) throws IOException {
        byte[] buffer = new byte[256 * 1024];
        long copied = 0;
        try (InputStream in = video.content().open(); OutputStream out = Files.newOutputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                copied += n;
                if (copied > maxBytes) {
                    VideoCheck.checkSize(video.fileName(), copied, maxBytes);
                }
                out.write(buffer, 0, n);
            }
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
        }
    }
}
