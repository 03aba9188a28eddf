package org.text2image.worker;

/**
 * An image-to-video job's input image could not be put into ComfyUI's {@code input/} folder
 * ({@link InputImageUpload}); the attempt fails with this reason.
 */
final class InputImageException extends RuntimeException {

    private final boolean retryable;

    /**
     * @param reason the failure reason the user reads
     * @param retryable whether another attempt may succeed (the server or ComfyUI could not be
     *     reached) or not (the answer will be the same)
     */
    InputImageException(String reason, boolean retryable, Throwable cause) {
        super(reason, cause);
        this.retryable = retryable;
    }

    boolean retryable() {
        return retryable;
    }
}
