package org.text2image.server.training;

/**
 * An uploaded LoRA that is not a safetensors file, or is larger than {@code max-lora-bytes}:
 * answered 400 (or 413 when {@link #tooLarge()}); nothing was stored and the training keeps running.
 */
public class InvalidLoraFileException extends RuntimeException {

    private final boolean tooLarge;

    public InvalidLoraFileException(String message, boolean tooLarge) {
        super(message);
        this.tooLarge = tooLarge;
    }

    /** Whether the file was refused for its size only. */
    public boolean tooLarge() {
        return tooLarge;
    }
}
