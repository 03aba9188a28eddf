package org.text2image.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.text2image.worker.api.WorkerApiLimits;
import org.text2image.worker.comfyui.ComfyUiException;
import org.text2image.worker.comfyui.ComfyUiOutputTooLargeException;
import org.text2image.worker.comfyui.ComfyUiUnavailableException;
import org.text2image.worker.comfyui.ComfyUiValidationException;
import org.text2image.worker.comfyui.ImageRef;
import org.text2image.worker.comfyui.PromptError;
import org.text2image.worker.comfyui.PromptHistory;

/** Which failures another attempt may fix, and the reasons users see. */
class FailureClassifierTest {

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void aValidationErrorIsNotRetryableAndKeepsComfyUisMessage() {
        assertThat(FailureClassifier.of(new ComfyUiValidationException("prompt_outputs_failed_validation", "ckpt missing")))
                .isEqualTo(new FailureClassifier.Failure("ckpt missing", false));
    }

    @Test
    void anOutputOverTheDownloadLimitIsNotRetryable() {
        assertThat(FailureClassifier.of(new ComfyUiOutputTooLargeException("GET /view answered 600 bytes for a.mp4")))
                .isEqualTo(new FailureClassifier.Failure("output too large: GET /view answered 600 bytes for a.mp4", false));
    }

    @Test
    void anUnreachableOrFailingComfyUiIsRetryable() {
        assertThat(FailureClassifier.of(new ComfyUiUnavailableException("POST /prompt failed")))
                .isEqualTo(new FailureClassifier.Failure("ComfyUI unreachable: POST /prompt failed", true));
        assertThat(FailureClassifier.of(new ComfyUiException("prompt vanished")))
                .isEqualTo(new FailureClassifier.Failure("ComfyUI error: prompt vanished", true));
        assertThat(FailureClassifier.of(new IllegalStateException("bug")))
                .isEqualTo(new FailureClassifier.Failure("worker error: java.lang.IllegalStateException: bug", true));
    }

    @Test
    void aComfyUiErrorOnAnInterruptedThreadMeansTheWorkerIsStopping() {
        assertThat(FailureClassifier.stoppedByWorker(new ComfyUiException("socket closed"))).isFalse();
        assertThat(FailureClassifier.stoppedByWorker(new InterruptedException())).isTrue();

        Thread.currentThread().interrupt();

        assertThat(FailureClassifier.stoppedByWorker(new ComfyUiUnavailableException("interrupted"))).isTrue();
        assertThat(FailureClassifier.stoppedByWorker(new ComfyUiValidationException("invalid", "bad"))).isFalse();
    }

    @Test
    void aRuntimeErrorNamesTheNodeAndIsRetryable() {
        PromptError oom = new PromptError(false, "3", "KSampler", "torch.OutOfMemoryError", "Allocation on device");

        assertThat(FailureClassifier.of(history("error", List.of(), oom))).hasValue(
                new FailureClassifier.Failure("ComfyUI error in KSampler: torch.OutOfMemoryError: Allocation on device", true));
    }

    @Test
    void aWorkflowWithoutImagesOrWithTooManyIsNotRetryable() {
        int tooMany = WorkerApiLimits.MAX_IMAGES_PER_COMPLETION + 1;

        assertThat(FailureClassifier.of(history("success", List.of(), null)))
                .hasValue(new FailureClassifier.Failure("the workflow produced no images", false));
        assertThat(FailureClassifier.of(history("success", images(tooMany), null))).hasValue(new FailureClassifier.Failure(
                "the workflow produced " + tooMany + " images, more than " + WorkerApiLimits.MAX_IMAGES_PER_COMPLETION, false));
        assertThat(FailureClassifier.of(history("success", images(WorkerApiLimits.MAX_IMAGES_PER_COMPLETION), null))).isEmpty();
    }

    private static PromptHistory history(String status, List<ImageRef> images, PromptError error) {
        return new PromptHistory("p-1", status, "success".equals(status), images, Optional.ofNullable(error));
    }

    private static List<ImageRef> images(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> new ImageRef("t2i_%05d_.png".formatted(i), "", "output")).toList();
    }
}
