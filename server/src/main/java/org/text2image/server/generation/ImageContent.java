package org.text2image.server.generation;

import java.util.UUID;
import org.springframework.core.io.Resource;

/**
 * An image to serve: where its bytes are, not the bytes themselves, so the web server can stream
 * them (or send the file with zero copies) and answer range requests.
 *
 * @param id the image's id (for a thumbnail: the id of the image it shows)
 * @param position 0-based place in the job's batch
 * @param contentType e.g. {@code image/png}; {@code image/jpeg} for a thumbnail
 * @param resource the stored bytes
 */
public record ImageContent(UUID id, UUID jobId, int position, String contentType, Resource resource) {

    /** A download file name: {@code text2image-<job id>-<position + 1>.png} (or {@code .jpg}, {@code .webp}, {@code .mp4}, {@code .webm}). */
    public String fileName() {
        String extension = switch (contentType) {
            case "image/jpeg" -> "jpg";
            case "image/webp" -> "webp";
            case "video/mp4" -> "mp4";
            case "video/webm" -> "webm";
            default -> "png";
        };
        return "text2image-" + jobId + "-" + (position + 1) + "." + extension;
    }
}
