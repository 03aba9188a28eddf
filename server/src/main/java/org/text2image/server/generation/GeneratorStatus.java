package org.text2image.server.generation;

/** Whether any worker can run jobs now, from the workers' last claims and heartbeats. */
public enum GeneratorStatus {
    /** At least one worker was heard from recently and its ComfyUI answers. */
    ONLINE,
    /** Workers were heard from recently, but none can reach its ComfyUI. */
    BACKEND_UNREACHABLE,
    /** No worker was heard from recently. */
    OFFLINE;

    /** Whether queued jobs are being picked up. */
    public boolean isOnline() {
        return this == ONLINE;
    }
}
