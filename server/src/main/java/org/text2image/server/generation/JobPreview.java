package org.text2image.server.generation;

/**
 * The latest live preview of a running job, as ComfyUI sent it (a small JPEG or PNG).
 *
 * @param contentType {@code image/jpeg} or {@code image/png}
 * @param bytes the image
 * @param version when it was stored, in epoch milliseconds (changes with every new preview)
 */
public record JobPreview(String contentType, byte[] bytes, long version) {
}
