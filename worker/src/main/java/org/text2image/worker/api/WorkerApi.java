package org.text2image.worker.api;

/**
 * The worker API's paths and header, shared by the server and the worker so both sides name
 * them once.
 *
 * <pre>
 * POST {base}/claim                   ClaimRequest  → 200 ClaimedJob | 204 no work (after up to
 *                                                   waitSeconds of long-poll)
 * POST {base}/claim/cancel            ClaimCancel   → 204; the worker's waiting claims answer 204
 * POST {base}/jobs/{id}/heartbeat     Heartbeat     → 200 HeartbeatResponse | 409 not yours
 * POST {base}/jobs/{id}/complete      multipart: attempt (text), image (one part per file)
 *                                                   → 200 JobOutcome | 409 stale attempt
 * POST {base}/jobs/{id}/upload-urls   UploadUrlsRequest → 200 UploadUrls | 404 direct upload off
 *                                                   | 409 stale attempt
 * POST {base}/jobs/{id}/complete      application/json UploadedCompletion (after direct upload)
 *                                                   → 200 JobOutcome | 400 bad upload | 409 stale
 * POST {base}/jobs/{id}/fail          FailRequest   → 200 JobOutcome | 409 stale attempt
 * POST {base}/jobs/{id}/preview?attempt=N  image/jpeg or image/png body → 204 | 409 stale attempt
 * POST {base}/jobs/{id}/handback      HandBackRequest → 200 JobOutcome (QUEUED) | 409 stale attempt
 * GET  {base}/jobs/{id}/input-image?attempt=N  → 200 the image-to-video job's input image (its
 *                                                   Content-Type) | 409 stale | 404 none (ClaimedJob.inputImage)
 * GET  {base}/jobs/{id}/loras/{loraId}?attempt=N → 200 the LoRA file (application/octet-stream) of a
 *                                                   LoRA the job's claim named (ClaimedJob.loras) | 409 stale | 403 not yours | 404
 *
 * LoRA trainings (a claim whose ClaimedJob.training is set; the id is the training's):
 * POST {base}/trainings/{id}/heartbeat    Heartbeat (step = training steps done)
 *                                                   → 200 HeartbeatResponse (cancelRequested → interrupt) | 409
 * GET  {base}/trainings/{id}/images/{imageId}?attempt=N → 200 the dataset image | 409 stale | 404
 * POST {base}/trainings/{id}/complete     multipart: attempt (text), lora (the .safetensors file)
 *                                                   → 200 JobOutcome | 400 not a LoRA file | 409 stale
 * POST {base}/trainings/{id}/fail         FailRequest   → 200 JobOutcome | 409 stale attempt
 * POST {base}/trainings/{id}/handback     HandBackRequest → 200 JobOutcome (QUEUED) | 409 stale attempt
 * </pre>
 * A claim is provisional until the worker's first heartbeat: a job whose claim is not confirmed
 * within the server's {@code claim-confirm-timeout} (15 s) goes back to the queue without using
 * up an attempt, so a worker should heartbeat as soon as its prompt is posted.
 * Every call carries {@code Authorization: Bearer <worker token>}; a wrong token is 401. Errors
 * are RFC 9457 problem details. The limits both sides keep are in {@link WorkerApiLimits}.
 */
public final class WorkerApi {

    /** Base path of the worker API on the server. */
    public static final String BASE_PATH = "/api/worker/v1";
    /** Multipart part name of the attempt number on complete. */
    public static final String ATTEMPT_PART = "attempt";
    /** Multipart part name of each image on complete. */
    public static final String IMAGE_PART = "image";

    /** Multipart part name of the trained LoRA file on a training's complete. */
    public static final String LORA_PART = "lora";

    /**
     * Folder under ComfyUI's {@code models/loras/} that holds the users' LoRAs a worker caches;
     * the worker never touches other files of {@code models/loras/}.
     */
    public static final String LORA_SUBFOLDER = "text2image";

    /** ComfyUI {@code input/} subfolder that a job's input image is uploaded into. */
    public static final String INPUT_SUBFOLDER = "text2image";

    private WorkerApi() {
    }

    /**
     * The file name (within {@link #INPUT_SUBFOLDER}) of an image-to-video job's input image in
     * ComfyUI's {@code input/} folder: {@code <job id>-<attempt>.png} or {@code .jpg}, one per
     * attempt so ComfyUI's cache never hands an attempt another attempt's image. The server renders
     * {@code {{input_image}}} as {@code text2image/<this name>} (LoadImage's form of a subfolder
     * path); the worker uploads the image under this name with {@code POST /upload/image}.
     *
     * @param contentType {@code image/png} or {@code image/jpeg}
     */
    public static String inputImageName(java.util.UUID jobId, int attempt, String contentType) {
        return jobId + "-" + attempt + ("image/jpeg".equals(contentType) ? ".jpg" : ".png");
    }

    /**
     * The {@code lora_name} a rendered {@code LoraLoaderModelOnly} node names for a user's LoRA:
     * {@code text2image/<sha256>.safetensors}, relative to ComfyUI's {@code models/loras/} (ComfyUI
     * lists model files with their subfolder, separated by {@code /}). Named by content, so a
     * cached file is valid for as long as it exists.
     *
     * @param sha256 the file's SHA-256, lowercase hex
     */
    public static String loraFileName(String sha256) {
        return LORA_SUBFOLDER + "/" + sha256 + ".safetensors";
    }
}
