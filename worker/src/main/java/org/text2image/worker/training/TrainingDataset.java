package org.text2image.worker.training;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The images (with optional captions) a LoRA is trained on.
 *
 * @param images the images, in order; names unique, ignoring case (their caption files too)
 */
public record TrainingDataset(List<TrainingImage> images) {

    public TrainingDataset {
        images = List.copyOf(Objects.requireNonNull(images, "images"));
        Set<String> seen = new HashSet<>();
        for (TrainingImage image : images) {
            if (!seen.add(image.captionName().toLowerCase(java.util.Locale.ROOT))) {
                throw new IllegalArgumentException("two dataset images share the name " + image.captionName()
                        .replaceFirst("\\.txt$", "") + ".*");
            }
        }
    }
}
