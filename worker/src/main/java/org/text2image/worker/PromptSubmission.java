package org.text2image.worker;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.comfyui.ComfyUiClient;
import org.text2image.worker.comfyui.ComfyUiUnavailableException;

/**
 * Posts an attempt's prompt to ComfyUI ({@code POST /prompt} under {@link ClaimedJob#promptId()}),
 * up to {@value #ATTEMPTS} times while ComfyUI cannot be reached. ComfyUI does not de-duplicate
 * prompt ids, so after a lost answer it looks in {@code /queue} and {@code /history} before posting
 * again: a prompt that arrived is not run twice.
 */
final class PromptSubmission {

    private static final Logger log = LoggerFactory.getLogger(PromptSubmission.class);
    private static final int ATTEMPTS = 3;
    private static final Duration RETRY_DELAY = Duration.ofMillis(250);

    private final ComfyUiClient comfyUi;
    private final String clientId;

    /** @param clientId the worker's ComfyUI {@code client_id}, so the prompt's frames come to its socket */
    PromptSubmission(ComfyUiClient comfyUi, String clientId) {
        this.comfyUi = comfyUi;
        this.clientId = clientId;
    }

    /**
     * Posts the prompt once.
     *
     * @throws org.text2image.worker.comfyui.ComfyUiException as {@link ComfyUiClient#submit} does,
     *     the last {@link ComfyUiUnavailableException} when every try failed
     * @throws InterruptedException when the thread is interrupted between tries
     */
    void submit(ClaimedJob job) throws InterruptedException {
        ComfyUiUnavailableException last = null;
        for (int i = 0; i < ATTEMPTS; i++) {
            if (i > 0) {
                Thread.sleep(RETRY_DELAY.toMillis() * i);
                if (alreadySubmitted(job.promptId())) {
                    return;
                }
            }
            try {
                comfyUi.submit(job.workflow(), job.promptId(), clientId);
                return;
            } catch (ComfyUiUnavailableException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException();
                }
                log.info("posting prompt {} failed ({}); looking in ComfyUI's queue before posting again", job.promptId(),
                        e.getMessage());
                last = e;
            }
        }
        throw last;
    }

    private boolean alreadySubmitted(String promptId) {
        try {
            return comfyUi.queue().contains(promptId) || comfyUi.history(promptId).isPresent();
        } catch (ComfyUiUnavailableException e) {
            return false;
        }
    }
}
