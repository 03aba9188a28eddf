package org.text2image.server.generation;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;

/**
 * A video file of a worker's completion, not read yet: the service checks its size first, then
 * copies it to a temporary file to verify and store it (a video may be a gigabyte, so it is never
 * held in memory).
 *
 * @param fileName the name the worker gave it (for messages, and its type when the content type says none)
 * @param contentType the part's declared type, e.g. {@code video/mp4}; may be null
 * @param size its length in bytes as the upload declared it, or -1 when unknown
 * @param content opens its bytes (each call from the start)
 */
public record UploadedVideo(String fileName, String contentType, long size, Content content) {

    static final String MP4 = "video/mp4";
    static final String WEBM = "video/webm";

    /** Where the bytes come from (a multipart part kept on disk by the servlet container). */
    @FunctionalInterface
    public interface Content {
        InputStream open() throws IOException;
    }

    /**
     * The video type a completion part declares: its content type when that is {@code video/mp4}
     * or {@code video/webm}, else its file name's extension ({@code .mp4}, {@code .webm}); empty
     * for anything else (an image part). The bytes are checked against it later.
     */
    public static Optional<String> declaredType(String contentType, String fileName) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).split(";", 2)[0].trim();
        if (type.equals(MP4) || type.equals(WEBM)) {
            return Optional.of(type);
        }
        String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".mp4")) {
            return Optional.of(MP4);
        }
        if (name.endsWith(".webm")) {
            return Optional.of(WEBM);
        }
        return Optional.empty();
    }
}
