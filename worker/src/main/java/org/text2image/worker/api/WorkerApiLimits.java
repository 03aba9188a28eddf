package org.text2image.worker.api;

/**
 * Limits of the worker API that the server enforces and the worker respects, defined once here
 * for both sides.
 */
public final class WorkerApiLimits {

    /** Most images one completion may carry (one per image of the job's batch). */
    public static final int MAX_IMAGES_PER_JOB = 64;
    /** Largest live preview, in bytes (ComfyUI's previews are small JPEGs). */
    public static final int MAX_PREVIEW_BYTES = 2 * 1024 * 1024;
    /** Longest failure reason kept, in characters; a longer one is cut. */
    public static final int MAX_REASON_LENGTH = 1000;
    /** Longest worker name, in characters (names are 1 … this). */
    public static final int MAX_WORKER_NAME_LENGTH = 64;

    private WorkerApiLimits() {
    }
}
