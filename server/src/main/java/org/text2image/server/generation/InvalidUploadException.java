package org.text2image.server.generation;

/** A completion upload that is not acceptable (no images, too many, or not an image); nothing was stored. */
public class InvalidUploadException extends RuntimeException {

    public InvalidUploadException(String message) {
        super(message);
    }
}
