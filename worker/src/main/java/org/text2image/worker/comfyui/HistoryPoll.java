package org.text2image.worker.comfyui;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Follows one prompt through {@code GET /history/{id}} and {@code GET /queue}, for the times its
 * socket cannot be trusted (down, or silent): frames sent while the socket was down are lost, the
 * history is not. A prompt that is neither queued nor in the history twice running is gone (ComfyUI
 * restarted); ComfyUI unreachable for longer than the limit ends the run. Used by the one thread
 * that awaits the {@link PromptRun}.
 */
final class HistoryPoll {

    private static final int VANISHED_CHECKS = 2;

    private final ComfyUiClient client;
    private final String promptId;
    private final Duration unreachableLimit;
    private Instant unreachableSince;
    private int vanishedChecks;

    HistoryPoll(ComfyUiClient client, String promptId, Duration unreachableLimit) {
        this.client = client;
        this.promptId = promptId;
        this.unreachableLimit = unreachableLimit;
    }

    /** Whether the last look found ComfyUI unreachable (false before the first look). */
    boolean unreachable() {
        return unreachableSince != null;
    }

    /**
     * One look at the prompt.
     *
     * @param now when the look is taken, to measure how long ComfyUI has been unreachable
     * @return its history entry once it is done; empty while it is queued or running, or while
     *     ComfyUI has been unreachable for less than the limit
     * @throws ComfyUiUnavailableException when ComfyUI has been unreachable for the limit
     * @throws ComfyUiException when the prompt is neither queued nor in the history
     */
    Optional<PromptHistory> check(Instant now) {
        try {
            Optional<PromptHistory> history = client.history(promptId);
            if (history.isEmpty() && !client.queue().contains(promptId)) {
                // Queue first, then history again: ComfyUI writes the history before it drops the prompt from the queue.
                history = client.history(promptId);
                if (history.isEmpty() && ++vanishedChecks >= VANISHED_CHECKS) {
                    throw new ComfyUiException("prompt " + promptId
                            + " is neither queued nor in ComfyUI's history (was ComfyUI restarted?)");
                }
            } else {
                vanishedChecks = 0;
            }
            unreachableSince = null;
            return history;
        } catch (ComfyUiUnavailableException e) {
            if (unreachableSince == null) {
                unreachableSince = now;
            } else if (!now.isBefore(unreachableSince.plus(unreachableLimit))) {
                throw new ComfyUiUnavailableException("ComfyUI unreachable for " + unreachableLimit.toSeconds()
                        + " s while following prompt " + promptId + ": " + e.getMessage(), e);
            }
            return Optional.empty();
        }
    }
}
