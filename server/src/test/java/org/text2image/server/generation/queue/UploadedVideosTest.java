package org.text2image.server.generation.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.text2image.server.catalog.ModelCatalogLoader;
import org.text2image.server.generation.InvalidUploadException;
import org.text2image.server.generation.JobParameters;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.generation.UploadedImage;
import org.text2image.server.generation.UploadedVideo;
import org.text2image.server.storage.LocalFolderImageStore;
import org.text2image.server.support.Images;
import org.text2image.worker.comfyui.standin.StandInMedia;

/**
 * A video job's completion is refused as early as it can be: by its declared size before a byte
 * is read, or as soon as an undeclared one passes the model's limit; and only one video and one
 * PNG poster are taken. Nothing reaches the store. (Model {@code video-mp4} of
 * {@code models-video.json}: at most 5 MB.)
 */
class UploadedVideosTest {

    static final long LIMIT = 5L * 1024 * 1024;

    @TempDir Path temp;
    LocalFolderImageStore store;
    UploadedVideos videos;
    JobRow job;

    @BeforeEach
    void setUp() {
        store = new LocalFolderImageStore(temp.resolve("images"));
        videos = new UploadedVideos(null, store, ModelCatalogLoader.load(Path.of("src/test/resources/config/models-video.json")));
        JobParameters parameters = new JobParameters("video-mp4", "", "a clip", "", 64, 64, 1, 1, 1, 1.0, "euler", "normal", 20,
                new JobParameters.Video(9, 8, null));
        job = new JobRow(UUID.randomUUID(), 1, parameters, 1, JobStatus.RUNNING, 1, 3, "gpu-1", null, null, 0, 0, null,
                Instant.EPOCH, null, 0, true, false, null);
    }

    @Test
    void aVideoDeclaredOverTheModelsLimitIsRefusedBeforeItIsRead() {
        UploadedVideo huge = new UploadedVideo("clip.mp4", "video/mp4", LIMIT + 1, () -> {
            throw new AssertionError("the video was opened");
        });

        assertThatThrownBy(() -> videos.store(job, List.of(), List.of(huge), Instant.EPOCH))
                .isInstanceOf(InvalidUploadException.class)
                .hasMessage("\"clip.mp4\" is " + (LIMIT + 1) + " bytes; this model's videos may be at most " + LIMIT + " bytes.");
        assertStoreEmpty();
    }

    @Test
    void aVideoOfUndeclaredSizeIsRefusedAsSoonAsItPassesTheLimit() {
        AtomicLong read = new AtomicLong();
        UploadedVideo endless = new UploadedVideo("clip.mp4", "video/mp4", -1, () -> new InputStream() {
            @Override
            public int read() {
                read.incrementAndGet();
                return 0;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                read.addAndGet(length);
                return length;
            }
        });

        assertThatThrownBy(() -> videos.store(job, List.of(), List.of(endless), Instant.EPOCH))
                .isInstanceOf(InvalidUploadException.class).hasMessageContaining("this model's videos may be at most " + LIMIT);
        assertThat(read.get()).isGreaterThan(LIMIT).isLessThan(LIMIT + 1024 * 1024);
        assertStoreEmpty();
    }

    @Test
    void twoVideosNoVideoTwoImagesOrAJpegPosterAreRefused() {
        UploadedVideo clip = mp4("clip.mp4");
        UploadedImage png = new UploadedImage("poster.png", Images.png(64, 64));

        assertThatThrownBy(() -> videos.store(job, List.of(), List.of(clip, mp4("other.mp4")), Instant.EPOCH))
                .hasMessageContaining("exactly one video").hasMessageContaining("it carried 2");
        assertThatThrownBy(() -> videos.store(job, List.of(png), List.of(), Instant.EPOCH))
                .hasMessageContaining("exactly one video").hasMessageContaining("it carried 0");
        assertThatThrownBy(() -> videos.store(job, List.of(png, png), List.of(clip), Instant.EPOCH))
                .hasMessageContaining("at most one image, the video's poster");
        assertThatThrownBy(() -> videos.store(job, List.of(new UploadedImage("poster.jpg", jpeg())), List.of(clip), Instant.EPOCH))
                .isInstanceOf(InvalidUploadException.class).hasMessage("\"poster.jpg\": a video's poster must be a PNG image.");
        assertStoreEmpty();
    }

    private static UploadedVideo mp4(String name) {
        byte[] bytes = StandInMedia.h264Mp4(64, 64, 9, 8);
        return new UploadedVideo(name, "video/mp4", bytes.length, () -> new java.io.ByteArrayInputStream(bytes));
    }

    private static byte[] jpeg() {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_RGB),
                    "jpg", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void assertStoreEmpty() {
        Path root = store.root();
        if (Files.exists(root)) {
            try (Stream<Path> files = Files.walk(root)) {
                assertThat(files.filter(Files::isRegularFile)).isEmpty();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
