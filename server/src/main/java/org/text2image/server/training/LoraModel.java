package org.text2image.server.training;

import java.time.Instant;
import java.util.UUID;

/**
 * A trained LoRA (a {@code lora_model} row, migration V33).
 *
 * @param id the LoRA's id
 * @param userId its owner, the only user who may generate with it
 * @param trainingId the training that made it (null once that row is gone)
 * @param name the dataset's name at training time, shown in the model list
 * @param triggerWord the word prompts use to call it
 * @param baseModelId the catalog model it was trained on (config/models.json id): jobs made with
 *     it run that model's workflow
 * @param checkpoint that model's checkpoint file at training time
 * @param sha256 the file's SHA-256, lowercase hex; names it on workers
 * @param sizeBytes the file's size
 * @param createdAt when the training stored it
 */
public record LoraModel(UUID id, long userId, UUID trainingId, String name, String triggerWord, String baseModelId,
                        String checkpoint, String sha256, long sizeBytes, Instant createdAt) {
}
