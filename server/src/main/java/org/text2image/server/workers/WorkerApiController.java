package org.text2image.server.workers;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.server.ResponseStatusException;
import org.text2image.server.generation.DirectUpload;
import org.text2image.server.generation.DirectUploadOffException;
import org.text2image.server.generation.ExtendedLease;
import org.text2image.server.generation.InvalidUploadException;
import org.text2image.server.generation.UploadedImage;
import org.text2image.server.generation.UploadedVideo;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.generation.queue.JobInputImages;
import org.text2image.server.generation.queue.JobLoras;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.training.TrainingQueue;
import org.text2image.worker.api.ClaimCancel;
import org.text2image.worker.api.ClaimRequest;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.FailRequest;
import org.text2image.worker.api.HandBackRequest;
import org.text2image.worker.api.Heartbeat;
import org.text2image.worker.api.HeartbeatResponse;
import org.text2image.worker.api.JobOutcome;
import org.text2image.worker.api.UploadUrls;
import org.text2image.worker.api.UploadUrlsRequest;
import org.text2image.worker.api.UploadedCompletion;
import org.text2image.worker.api.WorkerApi;
import org.text2image.worker.api.WorkerApiLimits;

/**
 * The worker API (see {@link WorkerApi} for the contract): translates the wire records to
 * {@link JobQueue}'s domain calls and back; the {@code /trainings/} paths are in
 * {@link TrainingApiController}. Errors are problem details from
 * {@code web/ApiExceptionHandler}. The caller's identity comes from its token
 * ({@link WorkerTokenFilter}): an issued token acts only for its own worker name.
 */
@RestController
@RequestMapping(WorkerApi.BASE_PATH)
class WorkerApiController {

    /**
     * Largest image part of a completion, in bytes (20 MB). Image parts are read into memory, so
     * they keep this limit in code now that the servlet container's own limits
     * ({@code spring.servlet.multipart.*}) let a video of up to 1 GB through; larger is 413.
     */
    static final long MAX_IMAGE_PART_BYTES = 20L * 1024 * 1024;
    /** Largest sum of a completion's image parts, in bytes (100 MB); larger is 413. */
    static final long MAX_IMAGE_BYTES = 100L * 1024 * 1024;

    private final JobQueue queue;
    private final ClaimWaiters waiters;
    private final WorkerPresence presence;
    private final Clock clock;
    private final JobInputImages inputImages;
    private final JobLoras jobLoras;
    private final TrainingQueue trainings;

    WorkerApiController(JobQueue queue, ClaimWaiters waiters, WorkerPresence presence, Clock clock,
                        JobInputImages inputImages, JobLoras jobLoras, TrainingQueue trainings) {
        this.queue = queue;
        this.jobLoras = jobLoras;
        this.trainings = trainings;
        this.inputImages = inputImages;
        this.clock = clock;
        this.waiters = waiters;
        this.presence = presence;
    }

    @PostMapping(path = "/claim", consumes = MediaType.APPLICATION_JSON_VALUE)
    DeferredResult<ResponseEntity<ClaimedJob>> claim(@RequestBody ClaimRequest request,
                                                     @RequestAttribute(name = WorkerTokenFilter.TOKEN_NAME_ATTRIBUTE, required = false) String tokenName,
                                                     @RequestAttribute(name = WorkerTokenFilter.TOKEN_ID_ATTRIBUTE, required = false) Long tokenId) {
        checkName(request.workerName(), tokenName);
        presence.report(new WorkerPresence.Report(request.workerName(), request.backendReachable(), request.checkpoints(),
                request.gpuName(), request.vramTotalBytes(), request.vramFreeBytes(), request.comfyUiVersion(),
                request.loras(), trains(request)), tokenId);
        return waiters.claim(request.workerName(), request.checkpoints(), request.loras(), request.backendReachable(),
                Duration.ofSeconds(request.waitSeconds()), trains(request));
    }

    /** Whether the claiming worker is offered LoRA trainings: it said {@code train} and has the VRAM. */
    private boolean trains(ClaimRequest request) {
        return trainings.eligible(request.train(), request.vramTotalBytes());
    }

    @PostMapping(path = "/claim/cancel", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Void> cancelClaims(@RequestBody ClaimCancel request,
                                      @RequestAttribute(name = WorkerTokenFilter.TOKEN_NAME_ATTRIBUTE, required = false) String tokenName) {
        checkName(request.workerName(), tokenName);
        waiters.cancel(request.workerName());
        return ResponseEntity.noContent().build();
    }

    @PostMapping(path = "/jobs/{jobId}/heartbeat", consumes = MediaType.APPLICATION_JSON_VALUE)
    HeartbeatResponse heartbeat(@PathVariable UUID jobId, @RequestBody Heartbeat heartbeat,
                                @RequestAttribute(name = WorkerTokenFilter.TOKEN_NAME_ATTRIBUTE, required = false) String tokenName) {
        ExtendedLease lease = queue.heartbeat(jobId, heartbeat.attempt(), identity(tokenName), heartbeat.step(),
                heartbeat.totalSteps(), heartbeat.reachable());
        presence.seen(lease.workerName(), heartbeat.reachable());
        return new HeartbeatResponse(lease.leaseTimeout().toSeconds(), false);
    }

    @PostMapping(path = "/jobs/{jobId}/complete", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    JobOutcome complete(@PathVariable UUID jobId, @RequestParam(WorkerApi.ATTEMPT_PART) int attempt,
                        @RequestAttribute(name = WorkerTokenFilter.TOKEN_NAME_ATTRIBUTE, required = false) String tokenName,
                        HttpServletRequest request) throws Exception {
        List<UploadedImage> images = new ArrayList<>();
        List<UploadedVideo> videos = new ArrayList<>();
        long imageBytes = 0;
        for (Part part : request.getParts()) {
            if (!WorkerApi.IMAGE_PART.equals(part.getName())) {
                continue;
            }
            if (UploadedVideo.declaredType(part.getContentType(), part.getSubmittedFileName()).isPresent()) {
                videos.add(new UploadedVideo(part.getSubmittedFileName(), part.getContentType(), part.getSize(),
                        part::getInputStream));
                continue;
            }
            imageBytes += part.getSize();
            if (part.getSize() > MAX_IMAGE_PART_BYTES || imageBytes > MAX_IMAGE_BYTES) {
                throw new MaxUploadSizeExceededException(part.getSize() > MAX_IMAGE_PART_BYTES ? MAX_IMAGE_PART_BYTES : MAX_IMAGE_BYTES);
            }
            images.add(new UploadedImage(part.getSubmittedFileName(), read(part)));
        }
        return new JobOutcome(queue.complete(jobId, attempt, identity(tokenName), images, videos).name());
    }

    /**
     * Direct worker upload: one presigned {@code PUT} URL per declared image; 404 when the server
     * takes no direct uploads (the worker then completes with multipart).
     */
    @PostMapping(path = "/jobs/{jobId}/upload-urls", consumes = MediaType.APPLICATION_JSON_VALUE)
    UploadUrls uploadUrls(@PathVariable UUID jobId, @RequestBody UploadUrlsRequest request,
                          @RequestAttribute(name = WorkerTokenFilter.TOKEN_NAME_ATTRIBUTE, required = false) String tokenName) {
        List<DirectUpload.Declared> declared = noNulls(request.images()).stream()
                .map(image -> new DirectUpload.Declared(image.size(), image.md5())).toList();
        List<DirectUpload.Target> targets = queue.uploadTargets(jobId, request.attempt(), identity(tokenName), declared);
        Instant now = clock.instant();
        long expiresIn = targets.stream().mapToLong(target -> Duration.between(now, target.expiresAt()).toSeconds())
                .min().orElse(0);
        return new UploadUrls(targets.stream().map(target -> new UploadUrls.Target(target.key(), target.url().toString(),
                target.headers())).toList(), Math.max(0, expiresIn));
    }

    /** Completion after a direct upload: the keys instead of the bytes ({@code application/json}). */
    @PostMapping(path = "/jobs/{jobId}/complete", consumes = MediaType.APPLICATION_JSON_VALUE)
    JobOutcome completeUploaded(@PathVariable UUID jobId, @RequestBody UploadedCompletion request,
                                @RequestAttribute(name = WorkerTokenFilter.TOKEN_NAME_ATTRIBUTE, required = false) String tokenName) {
        List<DirectUpload.Uploaded> images = noNulls(request.images()).stream()
                .map(image -> new DirectUpload.Uploaded(image.key(), image.size(), image.md5())).toList();
        return new JobOutcome(queue.completeUploaded(jobId, request.attempt(), identity(tokenName), images).name());
    }

    /** 404 problem: this server takes no direct uploads (RFC 9457 problem detail). */
    @ExceptionHandler(DirectUploadOffException.class)
    ProblemDetail directUploadOff(DirectUploadOffException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        problem.setTitle("Direct upload is off");
        return problem;
    }

    @PostMapping(path = "/jobs/{jobId}/fail", consumes = MediaType.APPLICATION_JSON_VALUE)
    JobOutcome fail(@PathVariable UUID jobId, @RequestBody FailRequest request,
                    @RequestAttribute(name = WorkerTokenFilter.TOKEN_NAME_ATTRIBUTE, required = false) String tokenName) {
        return new JobOutcome(queue.fail(jobId, request.attempt(), identity(tokenName), request.reason(),
                request.retryable()).name());
    }

    @PostMapping(path = "/jobs/{jobId}/preview", consumes = {MediaType.IMAGE_JPEG_VALUE, MediaType.IMAGE_PNG_VALUE})
    ResponseEntity<Void> preview(@PathVariable UUID jobId, @RequestParam(WorkerApi.ATTEMPT_PART) int attempt,
                                 @RequestAttribute(name = WorkerTokenFilter.TOKEN_NAME_ATTRIBUTE, required = false) String tokenName,
                                 HttpServletRequest request) throws IOException {
        byte[] image;
        try (var in = request.getInputStream()) {
            image = in.readNBytes(WorkerApiLimits.MAX_PREVIEW_BYTES + 1);
        }
        if (image.length > WorkerApiLimits.MAX_PREVIEW_BYTES) {
            throw new ResponseStatusException(HttpStatus.CONTENT_TOO_LARGE,
                    "A preview may be at most " + WorkerApiLimits.MAX_PREVIEW_BYTES + " bytes.");
        }
        queue.savePreview(jobId, attempt, identity(tokenName), image);
        return ResponseEntity.noContent().build();
    }

    /**
     * An image-to-video job's input image, streamed from the image store with its content type, for
     * the worker holding {@code attempt}: 409 for a stale attempt, 403 for another worker's, 404 for
     * an unknown job or one without an input image.
     */
    @GetMapping(path = "/jobs/{jobId}/input-image")
    ResponseEntity<org.springframework.core.io.Resource> inputImage(@PathVariable UUID jobId,
                                                                 @RequestParam(WorkerApi.ATTEMPT_PART) int attempt,
                                                                 @RequestAttribute(name = WorkerTokenFilter.TOKEN_NAME_ATTRIBUTE, required = false) String tokenName) {
        JobInputImages.Content image = inputImages.forAttempt(jobId, attempt, identity(tokenName))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "Job " + jobId + " has no input image."));
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(image.contentType()))
                .header("Cache-Control", "no-store").body(image.resource());
    }

    /**
     * The LoRA file a job made with one of the user's LoRAs loads, streamed from the image store
     * ({@code application/octet-stream} with its {@code Content-Length}), for the worker holding
     * {@code attempt}: 409 for a stale attempt; 403 for another worker's attempt; 404 for an unknown
     * job, a job that does not use this LoRA, or a deleted LoRA.
     */
    @GetMapping(path = "/jobs/{jobId}/loras/{loraId}")
    ResponseEntity<org.springframework.core.io.Resource> lora(@PathVariable UUID jobId, @PathVariable UUID loraId,
                                                          @RequestParam(WorkerApi.ATTEMPT_PART) int attempt,
                                                          @RequestAttribute(name = WorkerTokenFilter.TOKEN_NAME_ATTRIBUTE, required = false) String tokenName) {
        JobLoras.Content file = jobLoras.forAttempt(jobId, attempt, loraId, identity(tokenName))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                        "Job " + jobId + " has no LoRA " + loraId + " for this worker."));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).contentLength(file.sizeBytes())
                .header("Cache-Control", "no-store").body(file.resource());
    }

    @PostMapping(path = "/jobs/{jobId}/handback", consumes = MediaType.APPLICATION_JSON_VALUE)
    JobOutcome handBack(@PathVariable UUID jobId, @RequestBody HandBackRequest request,
                        @RequestAttribute(name = WorkerTokenFilter.TOKEN_NAME_ATTRIBUTE, required = false) String tokenName) {
        return new JobOutcome(queue.handBack(jobId, request.attempt(), identity(tokenName), request.reason()).name());
    }

    /** The list of a JSON body, empty for none; a {@code null} entry is bad input (400). */
    private static <T> List<T> noNulls(List<T> items) {
        if (items == null) {
            return List.of();
        }
        if (items.stream().anyMatch(java.util.Objects::isNull)) {
            throw new InvalidUploadException("images must not hold null entries.");
        }
        return items;
    }

    private static WorkerIdentity identity(String tokenName) {
        return tokenName == null ? WorkerIdentity.CONFIGURED : WorkerIdentity.issuedTo(tokenName);
    }

    private static byte[] read(Part part) throws IOException {
        try (var in = part.getInputStream()) {
            return in.readAllBytes();
        }
    }

    /**
     * A worker name is 1 … {@value WorkerApiLimits#MAX_WORKER_NAME_CHARS} characters, and an issued
     * token works for the worker it was created for only: another name is refused (403) before
     * anything is recorded. The configured token (the embedded worker's) may use any name.
     */
    private static void checkName(String name, String tokenName) {
        if (name == null || name.isBlank() || name.length() > WorkerApiLimits.MAX_WORKER_NAME_CHARS) {
            throw new InvalidUploadException("workerName must be 1 to " + WorkerApiLimits.MAX_WORKER_NAME_CHARS
                    + " characters.");
        }
        if (!identity(tokenName).mayActFor(name)) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, "This worker token was created for the worker \""
                    + tokenName + "\"; start the worker with --name " + tokenName + " (or create a token for this name).");
        }
    }
}
