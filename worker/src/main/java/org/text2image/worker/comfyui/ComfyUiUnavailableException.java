package org.text2image.worker.comfyui;

/**
 * ComfyUI could not be reached or did not answer in time: connection refused, a timeout, an
 * HTTP 5xx, or a WebSocket that would not open. Retrying later, or on another worker, may work.
 */
public class ComfyUiUnavailableException extends ComfyUiException {

    public ComfyUiUnavailableException(String message) {
        super(message);
    }

    public ComfyUiUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
