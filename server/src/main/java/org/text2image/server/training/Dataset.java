package org.text2image.server.training;

import java.time.Instant;
import java.util.UUID;

/**
 * A LoRA training dataset (a {@code lora_dataset} row).
 *
 * @param id the dataset's id
 * @param userId its owner
 * @param name 1–{@value LoraDatasets#MAX_NAME} characters
 * @param triggerWord the word that will call the trained LoRA: 1–40 letters, digits, {@code _} or {@code -}
 * @param imageCount how many images it holds now (0–{@value LoraDatasets#MAX_IMAGES})
 * @param createdAt when it was created
 */
public record Dataset(UUID id, long userId, String name, String triggerWord, int imageCount, Instant createdAt) {

    /** Whether it has enough images to train on (at least {@value LoraDatasets#MIN_IMAGES}). */
    public boolean enoughImages() {
        return imageCount >= LoraDatasets.MIN_IMAGES;
    }
}
