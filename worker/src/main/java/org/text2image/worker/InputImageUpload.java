package org.text2image.worker;

import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.InputImage;
import org.text2image.worker.comfyui.ComfyUiClient;
import org.text2image.worker.comfyui.ComfyUiException;
import org.text2image.worker.comfyui.UploadedInput;

/**
 * Puts an image-to-video job's input image where its workflow's {@code LoadImage} reads it, before
 * the prompt is posted: fetched from the server ({@code GET /jobs/{id}/input-image?attempt=N}) and
 * uploaded to ComfyUI ({@code POST /upload/image}, {@code overwrite=true}) under the claim's
 * {@link InputImage#name()} in {@link InputImage#subfolder()} (docs/WORKER_API.md, "Input images
 * (image-to-video)"; docs/COMFYUI.md, "Uploading an input image").
 *
 * <p>Failures, as {@link InputImageException} (the attempt fails with its reason): the server or
 * ComfyUI unreachable → retryable; the server refusing (404: no input image) → not retryable;
 * ComfyUI storing the file under another name or folder than asked → not retryable (the workflow
 * would load another file). A 409 from the server is a {@link StaleAttemptException} (the attempt
 * is no longer ours; nothing is reported), and a stopping worker gets {@link InterruptedException}.
 */
final class InputImageUpload {

    private static final Logger log = LoggerFactory.getLogger(InputImageUpload.class);
    /** A plain file or folder name: what the server sends ({@code <uuid>-<attempt>.png}, {@code text2image}). */
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}");

    private final WorkerApiClient server;
    private final ComfyUiClient comfyUi;

    InputImageUpload(WorkerApiClient server, ComfyUiClient comfyUi) {
        this.server = server;
        this.comfyUi = comfyUi;
    }

    /**
     * Uploads the job's input image, if it has one (else does nothing).
     *
     * @throws InputImageException when it could not be uploaded as named
     * @throws StaleAttemptException when the server says the attempt is no longer ours
     * @throws InterruptedException when the worker is stopping
     */
    void upload(ClaimedJob job) throws InterruptedException {
        InputImage input = job.inputImage();
        if (input == null) {
            return;
        }
        if (input.name() == null || !PLAIN_NAME.matcher(input.name()).matches() || input.subfolder() == null
                || !PLAIN_NAME.matcher(input.subfolder()).matches()) {
            throw new InputImageException("the server named the input image " + input.subfolder() + "/" + input.name()
                    + ", which is not a plain file name in a plain folder", false, null);
        }
        WorkerApiClient.InputImageBytes image = fetch(job);
        String contentType = image.contentType().isEmpty() ? input.contentType() : image.contentType();
        UploadedInput stored;
        try {
            stored = comfyUi.uploadImage(input.name(), input.subfolder(), contentType, image.bytes());
        } catch (ComfyUiException e) {
            stopIfInterrupted();
            throw e; // classified like any ComfyUI failure: unreachable or an unexpected answer, retryable
        }
        if (!stored.name().equals(input.name()) || !stored.subfolder().equals(input.subfolder())) {
            throw new InputImageException("ComfyUI stored the input image as " + stored.subfolder() + "/" + stored.name()
                    + " instead of " + input.subfolder() + "/" + input.name(), false, null);
        }
        log.debug("job {} attempt {}: input image {}/{} ({} bytes) uploaded to ComfyUI", job.jobId(), job.attempt(),
                input.subfolder(), input.name(), image.bytes().length);
    }

    private WorkerApiClient.InputImageBytes fetch(ClaimedJob job) throws InterruptedException {
        try {
            return server.inputImage(job.jobId(), job.attempt());
        } catch (StaleAttemptException e) {
            throw e;
        } catch (WorkerApiUnavailableException e) {
            stopIfInterrupted();
            throw new InputImageException("could not fetch the input image from the server: " + e.getMessage(), true, e);
        } catch (WorkerApiException e) {
            throw new InputImageException("the server did not send the input image: " + e.getMessage(), false, e);
        }
    }

    private static void stopIfInterrupted() throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("worker stopping");
        }
    }
}
