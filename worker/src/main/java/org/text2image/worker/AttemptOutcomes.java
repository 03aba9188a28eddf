package org.text2image.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.comfyui.ComfyUiClient;
import org.text2image.worker.comfyui.ComfyUiException;
import org.text2image.worker.comfyui.ImageRef;
import org.text2image.worker.comfyui.PromptHistory;

/**
 * Ends attempts and reports how to the server: a finished prompt's images downloaded with
 * {@code /view} and uploaded, or a failure as {@link FailureClassifier} names it, a stop the server
 * asked for, a timeout, a hand-back. An end that leaves the prompt on ComfyUI removes it first
 * ({@code /interrupt} and a queue delete). With {@code --comfyui-dir}, the files a finished prompt
 * saved are deleted from ComfyUI's {@code output/} once reported ({@link ComfyUiFolders}). Thread-safe.
 */
final class AttemptOutcomes {

    private static final Logger log = LoggerFactory.getLogger(AttemptOutcomes.class);

    private final ComfyUiClient comfyUi;
    private final ServerReporter reporter;
    private final ComfyUiFolders folders;

    /** @param folders deletes a finished prompt's saved files once they are uploaded ({@code --comfyui-dir}) */
    AttemptOutcomes(ComfyUiClient comfyUi, ServerReporter reporter, ComfyUiFolders folders) {
        this.comfyUi = comfyUi;
        this.reporter = reporter;
        this.folders = folders;
    }

    /**
     * The prompt is done: uploads its outputs (images and videos, typed by {@link MediaTypes}), or
     * fails the attempt when it did not produce them or wrote a file of an unknown type (nothing is
     * downloaded then; not retryable: the same workflow writes the same type again).
     */
    AttemptResult finished(ClaimedJob job, PromptHistory history) {
        try {
            return report(job, history);
        } finally {
            folders.removeOutputs(history.outputImages());
        }
    }

    private AttemptResult report(ClaimedJob job, PromptHistory history) {
        Optional<FailureClassifier.Failure> failure = FailureClassifier.of(history);
        if (failure.isPresent()) {
            return reporter.fail(job, failure.get().reason(), failure.get().retryable());
        }
        for (ImageRef output : history.outputImages()) {
            if (MediaTypes.of(output.filename()).isEmpty()) {
                return reporter.fail(job, "ComfyUI wrote an output of an unknown media type, " + output.filename()
                        + " (the worker uploads .png, .jpg, .jpeg, .webp, .gif, .mp4 and .webm files)", false);
            }
        }
        List<ImageFile> images = new ArrayList<>();
        try {
            for (ImageRef output : history.outputImages()) {
                images.add(download(output, MediaTypes.of(output.filename()).orElseThrow()));
            }
            return reporter.complete(job, images);
        } finally {
            images.forEach(ImageFile::delete);
        }
    }

    /**
     * An image into memory (as always), a video streamed to a temporary file (up to
     * {@link ComfyUiClient#MAX_DOWNLOAD_BYTES}) so it is never held in memory; a failed download
     * deletes its file.
     */
    private ImageFile download(ImageRef output, String contentType) {
        if (!contentType.startsWith("video/")) {
            return new ImageFile(output.filename(), contentType, comfyUi.view(output));
        }
        Path file;
        try {
            file = Files.createTempFile("t2i-output-", "-" + output.filename().replaceAll("[^A-Za-z0-9._-]", "_"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a temporary file for " + output.filename(), e);
        }
        try {
            comfyUi.download(output, file);
            return ImageFile.onDisk(output.filename(), contentType, file);
        } catch (RuntimeException e) {
            ImageFile.onDisk(output.filename(), contentType, file).delete();
            throw e;
        }
    }

    /**
     * The attempt ended in {@code e}: reported as a failure, or, when the worker thread was
     * interrupted, its prompt stopped and the job handed back ({@code "worker stopped"}); the
     * interrupt is kept for the caller.
     */
    AttemptResult failed(ClaimedJob job, Exception e) {
        if (FailureClassifier.stoppedByWorker(e)) {
            return stoppedByWorker(job);
        }
        if (!(e instanceof ComfyUiException) && !(e instanceof InputImageException)
                && !(e instanceof LoraException)) { // a bug here must not leave the job leased until its lease expires
            log.error("job {} attempt {} hit a worker error", job.jobId(), job.attempt(), e);
        }
        FailureClassifier.Failure failure = FailureClassifier.of(e);
        return reporter.fail(job, failure.reason(), failure.retryable());
    }

    /** The attempt ran past its time: its prompt is stopped and the attempt failed, retryable. */
    AttemptResult timedOut(ClaimedJob job, Duration elapsed) {
        stopPrompt(job.promptId());
        return reporter.fail(job, "timed out after " + elapsed.toSeconds() + " s", true);
    }

    /** The server said stop (409 or cancelled): the prompt is stopped and nothing is uploaded. */
    AttemptResult stopped(ClaimedJob job, String why) {
        stopPrompt(job.promptId());
        return AttemptResult.stopped(why);
    }

    /** Gives the job back unfinished (no attempt used) and logs it; its prompt, if any, is the caller's to stop. */
    JobReport handedBack(ClaimedJob job, String reason) {
        AttemptResult result = reporter.handBack(job, reason);
        log.info("job {} attempt {} {}: {}", job.jobId(), job.attempt(), result.outcome(), result.detail());
        return JobReport.of(job, result, Duration.ZERO);
    }

    /**
     * Removes the prompt from ComfyUI's queue if it waits, then interrupts it if it runs; a failure
     * of either is only logged and does not skip the other. In this order a prompt that starts
     * between the two calls is still stopped: {@code POST /interrupt} only reaches the running one.
     */
    void stopPrompt(String promptId) {
        try {
            comfyUi.deleteFromQueue(List.of(promptId));
        } catch (ComfyUiException e) {
            log.warn("could not remove prompt {} from ComfyUI's queue: {}", promptId, e.getMessage());
        }
        try {
            comfyUi.interrupt(promptId);
        } catch (ComfyUiException e) {
            log.warn("could not interrupt prompt {} on ComfyUI: {}", promptId, e.getMessage());
        }
    }

    private AttemptResult stoppedByWorker(ClaimedJob job) {
        Thread.interrupted(); // the hand-back must be sent; the interrupt is restored below
        try {
            stopPrompt(job.promptId());
            return reporter.handBack(job, "worker stopped");
        } finally {
            Thread.currentThread().interrupt();
        }
    }
}
