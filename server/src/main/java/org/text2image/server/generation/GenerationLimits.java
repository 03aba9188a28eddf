package org.text2image.server.generation;

/**
 * The limits of a job's form in force now: the configured smallest size, prompt length and batch
 * size ({@link GenerationProperties}) with the largest size from the live settings
 * ({@code settings/LiveSettings}), which an admin may change at any time.
 *
 * @param minSize smallest width and height in pixels
 * @param maxWidth largest width in pixels
 * @param maxHeight largest height in pixels
 * @param maxPromptLength longest prompt and negative prompt, in characters
 * @param maxBatchSize most images per job
 */
public record GenerationLimits(int minSize, int maxWidth, int maxHeight, int maxPromptLength, int maxBatchSize) {
}
