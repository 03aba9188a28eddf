package org.text2image.server.training;

import java.time.Instant;
import java.util.UUID;

/**
 * One image of a dataset (a {@code lora_dataset_image} row); its bytes are in the image store under
 * {@code storageKey}.
 *
 * @param id the image's id
 * @param datasetId its dataset
 * @param storageKey {@code lora/<dataset>/<image>}
 * @param contentType {@code image/png}, {@code image/jpeg} or {@code image/webp}
 * @param sizeBytes the file's size in bytes
 * @param width in pixels
 * @param height in pixels
 * @param caption 0–{@value LoraDatasets#MAX_CAPTION} characters
 * @param createdAt when it was uploaded
 */
public record DatasetImage(UUID id, UUID datasetId, String storageKey, String contentType, long sizeBytes, int width,
                           int height, String caption, Instant createdAt) {
}
