package org.text2image.server.generation;

import java.util.UUID;

/**
 * An image's bytes, for the authorising image endpoint.
 *
 * @param position 0-based place in the job's batch
 * @param contentType e.g. {@code image/png}
 */
public record ImageContent(UUID id, UUID jobId, int position, String contentType, byte[] bytes) {

    /** A download file name: {@code text2image-<job id>-<position + 1>.png}. */
    public String fileName() {
        String extension = switch (contentType) {
            case "image/jpeg" -> "jpg";
            case "image/webp" -> "webp";
            default -> "png";
        };
        return "text2image-" + jobId + "-" + (position + 1) + "." + extension;
    }
}
