package org.text2image.worker;

/**
 * A user's LoRA a job needs could not be put in place ({@link LoraCache}); the attempt fails with
 * this reason before its prompt is posted.
 */
final class LoraException extends RuntimeException {

    private final boolean retryable;

    /**
     * @param reason the failure reason the user reads
     * @param retryable whether another attempt may succeed (the server unreachable, a download that
     *     did not match its size or SHA-256, a disk error) or not (the server does not send the LoRA)
     */
    LoraException(String reason, boolean retryable, Throwable cause) {
        super(reason, cause);
        this.retryable = retryable;
    }

    boolean retryable() {
        return retryable;
    }
}
