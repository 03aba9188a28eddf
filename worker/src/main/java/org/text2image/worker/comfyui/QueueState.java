package org.text2image.worker.comfyui;

import java.util.List;

/**
 * The prompt ids in ComfyUI's queue, from {@code GET /queue} ({@code {"queue_running": [[number,
 * prompt_id, prompt, extra_data, outputs], ...], "queue_pending": [...]}}).
 *
 * @param running ids of the prompt(s) executing now
 * @param pending ids waiting, in queue order
 */
public record QueueState(List<String> running, List<String> pending) {

    public QueueState {
        running = List.copyOf(running);
        pending = List.copyOf(pending);
    }

    /** Whether the prompt is running or waiting. */
    public boolean contains(String promptId) {
        return running.contains(promptId) || pending.contains(promptId);
    }

    /** Whether the prompt is executing now. */
    public boolean isRunning(String promptId) {
        return running.contains(promptId);
    }

    /** Whether the prompt is waiting in the queue. */
    public boolean isPending(String promptId) {
        return pending.contains(promptId);
    }
}
