package org.text2image.worker;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The MIME type of a ComfyUI output file, decided by its extension: ComfyUI 0.8 lists every save
 * node's files ({@code SaveImage}, {@code SaveAnimatedPNG}, {@code SaveAnimatedWEBP},
 * {@code SaveWEBM}, {@code SaveVideo}) under the history's {@code images}, and its {@code /view}
 * answers the same types (docs/COMFYUI.md, "Video outputs").
 */
final class MediaTypes {

    private static final Map<String, String> BY_EXTENSION = Map.of(
            "png", "image/png",
            "jpg", "image/jpeg",
            "jpeg", "image/jpeg",
            "webp", "image/webp",
            "gif", "image/gif",
            "mp4", "video/mp4",
            "webm", "video/webm");

    private MediaTypes() {
    }

    /** The MIME type for {@code fileName}'s extension (case-insensitive), empty for an unknown or missing one. */
    static Optional<String> of(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_EXTENSION.get(fileName.substring(dot + 1).toLowerCase(Locale.ROOT)));
    }
}
