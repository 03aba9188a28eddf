package org.text2image.worker.api;

import java.util.UUID;

/**
 * A user's LoRA that a claimed generation job's workflow loads ({@code LoraLoaderModelOnly}
 * {@code lora_name} = {@link WorkerApi#loraFileName(String)} of its hash). Before posting the
 * prompt the worker makes sure the file is in its ComfyUI's {@code models/loras/text2image/}
 * folder: from its cache when a file of that hash is there, else fetched with
 * {@code GET /jobs/{jobId}/loras/{id}?attempt=N} (authorised by the job) and checked against
 * {@code sha256} before it is moved into place.
 *
 * @param id the LoRA's id
 * @param sha256 the file's SHA-256, lowercase hex (64 characters)
 * @param sizeBytes the file's size in bytes
 */
public record ClaimedLora(UUID id, String sha256, long sizeBytes) {
}
