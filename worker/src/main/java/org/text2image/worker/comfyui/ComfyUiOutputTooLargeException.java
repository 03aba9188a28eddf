package org.text2image.worker.comfyui;

/**
 * An output file {@code /view} would send is larger than the worker downloads
 * ({@link ComfyUiClient#MAX_DOWNLOAD_BYTES}); permanent: the same workflow writes the same size again.
 */
public class ComfyUiOutputTooLargeException extends ComfyUiException {

    public ComfyUiOutputTooLargeException(String message) {
        super(message);
    }
}
