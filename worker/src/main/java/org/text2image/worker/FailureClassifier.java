package org.text2image.worker;

import java.util.List;
import java.util.Optional;
import org.text2image.worker.api.WorkerApiLimits;
import org.text2image.worker.comfyui.ComfyUiException;
import org.text2image.worker.comfyui.ComfyUiOutputTooLargeException;
import org.text2image.worker.comfyui.ComfyUiUnavailableException;
import org.text2image.worker.comfyui.ComfyUiValidationException;
import org.text2image.worker.comfyui.ImageRef;
import org.text2image.worker.comfyui.PromptError;
import org.text2image.worker.comfyui.PromptHistory;

/**
 * Names an attempt's failure: the reason the user sees and whether another attempt may help.
 *
 * <ul>
 *   <li>ComfyUI's 400 ({@link ComfyUiValidationException}) → not retryable, its validation message;
 *   <li>ComfyUI unreachable → retryable, {@code "ComfyUI unreachable: ..."};
 *   <li>an output file over the download limit ({@link ComfyUiOutputTooLargeException}) → not retryable,
 *       {@code "output too large: ..."};
 *   <li>another ComfyUI error → retryable, {@code "ComfyUI error: ..."};
 *   <li>an input image that could not be uploaded ({@link InputImageException}) → its reason, retryable
 *       when the server or ComfyUI could not be reached;
 *   <li>a LoRA that could not be put in place ({@link LoraException}) → its reason, retryable unless
 *       the server refused to send it;
 *   <li>anything else is a bug in the worker → retryable, {@code "worker error: ..."};
 *   <li>a prompt that ran with an error → retryable, {@code "ComfyUI error in KSampler: torch.OutOfMemoryError: ..."}
 *       or {@code "ComfyUI interrupted the prompt"};
 *   <li>no images, or more than {@link WorkerApiLimits#MAX_IMAGES_PER_COMPLETION} → not retryable
 *       (the workflow, not the GPU, is at fault).
 * </ul>
 * A failure while the worker thread is interrupted is not a failure: the worker is stopping, and
 * the job goes back ({@link #stoppedByWorker}).
 */
final class FailureClassifier {

    /**
     * A failure to report with {@code POST /jobs/{id}/fail}.
     *
     * @param reason what went wrong, for the user
     * @param retryable whether another attempt may succeed
     */
    record Failure(String reason, boolean retryable) {
    }

    private FailureClassifier() {
    }

    /** Whether {@code e} comes from stopping the worker (its thread was interrupted) rather than from the job. */
    static boolean stoppedByWorker(Exception e) {
        return e instanceof InterruptedException || (e instanceof ComfyUiException
                && !(e instanceof ComfyUiValidationException) && Thread.currentThread().isInterrupted());
    }

    /** The failure {@code e} amounts to (one not {@link #stoppedByWorker}). */
    static Failure of(Exception e) {
        if (e instanceof ComfyUiValidationException) {
            return new Failure(e.getMessage(), false);
        }
        if (e instanceof InputImageException input) {
            return new Failure(input.getMessage(), input.retryable());
        }
        if (e instanceof LoraException lora) {
            return new Failure(lora.getMessage(), lora.retryable());
        }
        if (e instanceof ComfyUiUnavailableException) {
            return new Failure("ComfyUI unreachable: " + e.getMessage(), true);
        }
        if (e instanceof ComfyUiOutputTooLargeException) {
            return new Failure("output too large: " + e.getMessage(), false);
        }
        if (e instanceof ComfyUiException) {
            return new Failure("ComfyUI error: " + e.getMessage(), true);
        }
        return new Failure("worker error: " + e, true);
    }

    /** The failure a finished prompt amounts to, or empty when it has images to upload. */
    static Optional<Failure> of(PromptHistory history) {
        if (history.error().isPresent()) {
            PromptError error = history.error().get();
            String node = error.nodeType().isEmpty() ? "" : " in " + error.nodeType();
            return Optional.of(new Failure(error.interrupted()
                    ? "ComfyUI interrupted the prompt" + node
                    : "ComfyUI error" + node + ": " + error.text(), true));
        }
        if (!history.succeeded()) {
            return Optional.of(new Failure("ComfyUI finished with status " + history.statusStr(), true));
        }
        List<ImageRef> outputs = history.outputImages();
        if (outputs.isEmpty()) {
            return Optional.of(new Failure("the workflow produced no images", false));
        }
        if (outputs.size() > WorkerApiLimits.MAX_IMAGES_PER_COMPLETION) {
            return Optional.of(new Failure("the workflow produced " + outputs.size() + " images, more than "
                    + WorkerApiLimits.MAX_IMAGES_PER_COMPLETION, false));
        }
        return Optional.empty();
    }
}
