package org.text2image.worker.training;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One image of a LoRA training dataset.
 *
 * @param name the file name it is uploaded under (no folder; {@code .png}, {@code .jpg},
 *     {@code .jpeg} or {@code .webp}, the extensions {@code LoadImageTextDataSetFromFolder} reads)
 * @param file the image on local disk
 * @param caption its caption, uploaded next to it as {@code <name without extension>.txt}
 *     (the loader pairs {@code img0.png} with {@code img0.txt}); empty for none
 */
public record TrainingImage(String name, Path file, Optional<String> caption) {

    public TrainingImage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        caption = caption == null ? Optional.empty() : caption;
        if (name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".") || name.endsWith(".txt")) {
            throw new IllegalArgumentException("not a dataset image name: " + name);
        }
    }

    /** The caption file's name: the image's name with {@code .txt} in place of its extension. */
    public String captionName() {
        int dot = name.lastIndexOf('.');
        return (dot < 0 ? name : name.substring(0, dot)) + ".txt";
    }

    /** The upload's {@code Content-Type}, by extension; {@code application/octet-stream} for others. */
    public String contentType() {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".png")) {
            return "image/png";
        }
        if (lower.endsWith(".jpg") || lower.endsWith(".jpeg")) {
            return "image/jpeg";
        }
        return lower.endsWith(".webp") ? "image/webp" : "application/octet-stream";
    }
}
