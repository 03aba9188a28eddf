package org.text2image.server.generation;

import java.util.UUID;

/**
 * One result of a job, as the pages and API see it: an image, or a video (MP4 or WebM), served at
 * {@code /images/{id}} (signed: {@code /i/{id}}). A video's poster — its first frame as a PNG,
 * when the worker sent one — is served at {@code /images/{id}/poster} (signed:
 * {@code /i/{id}/poster}); a video's thumbnail is made from its poster, and a video without poster
 * has no thumbnail (pages show a play tile).
 *
 * @param position 0-based place in the batch (a video is alone, at 0)
 * @param contentType e.g. {@code image/png}, {@code video/mp4}, {@code video/webm}
 * @param hasPoster whether a poster is stored (only ever for a video)
 */
public record JobImage(UUID id, int position, String contentType, boolean hasPoster) {

    /** An image (no poster). */
    public JobImage(UUID id, int position, String contentType) {
        this(id, position, contentType, false);
    }

    /** Whether this result is a video ({@code video/*}): pages show a player instead of an image. */
    public boolean isVideo() {
        return contentType != null && contentType.startsWith("video/");
    }

    /** Whether it has a thumbnail: every image, and a video with its poster. */
    public boolean hasThumbnail() {
        return !isVideo() || hasPoster;
    }
}
