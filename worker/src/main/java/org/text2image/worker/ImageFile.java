package org.text2image.worker;

import java.util.Objects;

/**
 * One result file (an image or a video) to upload with complete.
 *
 * @param name the file name sent in the part's {@code filename}, such as {@code job_00001_.png}
 * @param contentType its MIME type, such as {@code image/png}
 * @param bytes the encoded image
 */
public record ImageFile(String name, String contentType, byte[] bytes) {

    public ImageFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(bytes, "bytes");
    }

    /** The MIME type for a file name's extension ({@code .png}, {@code .jpg}/{@code .jpeg}, {@code .webp}, {@code .gif}). */
    public static String contentTypeOf(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".jpg") || lower.endsWith(".jpeg")) {
            return "image/jpeg";
        }
        if (lower.endsWith(".webp")) {
            return "image/webp";
        }
        if (lower.endsWith(".gif")) {
            return "image/gif";
        }
        return lower.endsWith(".png") ? "image/png" : "application/octet-stream";
    }
}
