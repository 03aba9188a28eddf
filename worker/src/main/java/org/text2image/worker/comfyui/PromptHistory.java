package org.text2image.worker.comfyui;

import java.util.List;
import java.util.Optional;

/**
 * A finished prompt, from {@code GET /history/{prompt_id}}: {@code {"<id>": {"outputs": {"<node>":
 * {"images": [...]}}, "status": {"status_str", "completed", "messages"}}}} (docs/COMFYUI.md, "Results").
 *
 * @param promptId the prompt
 * @param statusStr {@code success} or {@code error}
 * @param completed ComfyUI's {@code completed} flag (true only for a successful run)
 * @param images every file of every output node, in node order (outputs and previews): the {@code images}
 *     entries and VideoHelperSuite's {@code gifs} entries
 * @param error the {@code execution_error} or {@code execution_interrupted} message, if any
 */
public record PromptHistory(String promptId, String statusStr, boolean completed, List<ImageRef> images,
                            Optional<PromptError> error) {

    public PromptHistory {
        images = List.copyOf(images);
        error = error == null ? Optional.empty() : error;
    }

    /** Whether ComfyUI reports success and no error message. */
    public boolean succeeded() {
        return "success".equals(statusStr) && error.isEmpty();
    }

    /** The images written by save nodes ({@code type = output}), the job's results. */
    public List<ImageRef> outputImages() {
        return images.stream().filter(ImageRef::isOutput).toList();
    }

    /** The error's {@link PromptError#text() text}, if any. */
    public Optional<String> errorText() {
        return error.map(PromptError::text);
    }
}
