package org.text2image.worker.training;

import java.nio.file.Path;

/**
 * A trained LoRA, downloaded from ComfyUI.
 *
 * @param file the temporary file it was downloaded to; the caller moves or deletes it
 * @param filename the name ComfyUI saved it under in {@code output/loras/}
 *     ({@code <lora_prefix>_<steps>_steps_00001_.safetensors})
 * @param sizeBytes its size in bytes
 * @param sha256 its SHA-256, 64 lower-case hex digits
 */
public record TrainedLora(Path file, String filename, long sizeBytes, String sha256) {
}
