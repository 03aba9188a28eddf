package org.text2image.worker.api;

/**
 * The worker API's limits, named once for both sides: the server refuses (or cuts) what goes past
 * them and the worker keeps within them before it sends. They are part of the contract
 * (docs/WORKER_API.md, "Limits"), not settings: changing one changes the API.
 */
public final class WorkerApiLimits {

    /**
     * Longest worker name, in characters: {@link ClaimRequest#workerName()}, {@link ClaimCancel}
     * and the name a worker token is issued for. The server answers 400 for a longer one.
     */
    public static final int MAX_WORKER_NAME_CHARS = 64;

    /**
     * Most images one completion may carry. The server answers 400 for more; the worker fails an
     * attempt whose workflow produced more (not retryable) instead of uploading them.
     */
    public static final int MAX_IMAGES_PER_COMPLETION = 64;

    /**
     * Largest live preview, in bytes (2 MiB; ComfyUI's previews are small JPEGs). The server
     * answers 413 for a larger one; the worker does not send it.
     */
    public static final int MAX_PREVIEW_BYTES = 2 * 1024 * 1024;

    /**
     * Longest failure reason kept, in characters ({@link FailRequest#reason()}). The server cuts
     * a longer one; the worker puts its reason on one line and cuts it to this before sending.
     */
    public static final int MAX_FAIL_REASON_CHARS = 1000;

    /**
     * Largest image uploaded straight to the bucket, in bytes (20 MiB, as the multipart upload's
     * per-file limit). The server issues no upload URL for a larger declared size (400) and refuses
     * a completion naming a larger object.
     */
    public static final long MAX_DIRECT_UPLOAD_BYTES = 20L * 1024 * 1024;

    private WorkerApiLimits() {
    }
}
