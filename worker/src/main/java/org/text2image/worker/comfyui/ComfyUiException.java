package org.text2image.worker.comfyui;

/**
 * ComfyUI answered something the worker cannot use (an unexpected status or body). Subclasses
 * name the two cases callers treat differently: {@link ComfyUiValidationException} (permanent)
 * and {@link ComfyUiUnavailableException} (try again later).
 */
public class ComfyUiException extends RuntimeException {

    public ComfyUiException(String message) {
        super(message);
    }

    public ComfyUiException(String message, Throwable cause) {
        super(message, cause);
    }
}
