package org.text2image.worker.comfyui;

/**
 * ComfyUI refused a prompt with HTTP 400 and queued nothing: the graph itself is wrong (a
 * checkpoint that is not installed, a value out of range, a missing input). Resubmitting the same
 * graph cannot succeed.
 *
 * <p>The message is built from the answer's {@code node_errors}, one clause per error, for example
 * {@code CheckpointLoaderSimple (node 4): Value not in list: ckpt_name: 'x.safetensors' not in []},
 * falling back to {@code error.message} when no node is named (see docs/COMFYUI.md, "Submitting").
 */
public class ComfyUiValidationException extends ComfyUiException {

    private final String errorType;

    /**
     * @param errorType ComfyUI's {@code error.type}, such as {@code prompt_outputs_failed_validation}
     * @param message the readable message
     */
    public ComfyUiValidationException(String errorType, String message) {
        super(message);
        this.errorType = errorType;
    }

    /** ComfyUI's {@code error.type}: {@code no_prompt}, {@code invalid_prompt}, {@code prompt_no_outputs} or {@code prompt_outputs_failed_validation}. */
    public String errorType() {
        return errorType;
    }
}
