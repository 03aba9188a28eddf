package org.text2image.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One result file (an image or a video) to upload with complete: held in memory (images, as
 * ComfyUI's {@code /view} sent them) or, for videos, in a temporary file the upload streams from.
 *
 * @param name the file name sent in the part's {@code filename}, such as {@code job_00001_.png}
 * @param contentType its MIME type, such as {@code image/png} or {@code video/mp4}
 * @param bytes the encoded file when held in memory; empty when {@code file} holds it
 * @param file the temporary file holding it, if not in memory; deleted with {@link #delete()}
 */
public record ImageFile(String name, String contentType, byte[] bytes, Optional<Path> file) {

    private static final byte[] NONE = new byte[0];

    public ImageFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(bytes, "bytes");
        file = file == null ? Optional.empty() : file;
    }

    /** A file held in memory. */
    public ImageFile(String name, String contentType, byte[] bytes) {
        this(name, contentType, bytes, Optional.empty());
    }

    /** A file on disk, streamed when uploaded. */
    public static ImageFile onDisk(String name, String contentType, Path file) {
        return new ImageFile(name, contentType, NONE, Optional.of(file));
    }

    /** Whether the file is held in memory ({@link #bytes()} is its content). */
    public boolean inMemory() {
        return file.isEmpty();
    }

    /** Its length in bytes. */
    public long size() {
        if (file.isEmpty()) {
            return bytes.length;
        }
        try {
            return Files.size(file.get());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the temporary file, if any; a failure is ignored (the OS cleans its temp folder). */
    public void delete() {
        file.ifPresent(path -> {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                path.toFile().deleteOnExit();
            }
        });
    }

    /** The MIME type for a file name's extension ({@link MediaTypes}), {@code application/octet-stream} for an unknown one. */
    public static String contentTypeOf(String name) {
        return MediaTypes.of(name).orElse("application/octet-stream");
    }
}
