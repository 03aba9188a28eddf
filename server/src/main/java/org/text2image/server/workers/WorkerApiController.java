package org.text2image.server.workers;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.server.ResponseStatusException;
import org.text2image.server.generation.InvalidUploadException;
import org.text2image.server.generation.JobQueue;
import org.text2image.server.generation.UploadedImage;
import org.text2image.worker.api.ClaimCancel;
import org.text2image.worker.api.ClaimRequest;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.FailRequest;
import org.text2image.worker.api.HandBackRequest;
import org.text2image.worker.api.Heartbeat;
import org.text2image.worker.api.HeartbeatResponse;
import org.text2image.worker.api.JobOutcome;
import org.text2image.worker.api.WorkerApi;
import org.text2image.worker.api.WorkerApiLimits;

/** The worker API (see {@link WorkerApi} for the contract); errors are problem details from {@link WorkerApiErrors}. */
@RestController
@RequestMapping(WorkerApi.BASE_PATH)
class WorkerApiController {

    private final JobQueue queue;
    private final ClaimWaiters waiters;

    WorkerApiController(JobQueue queue, ClaimWaiters waiters) {
        this.queue = queue;
        this.waiters = waiters;
    }

    @PostMapping(path = "/claim", consumes = MediaType.APPLICATION_JSON_VALUE)
    DeferredResult<ResponseEntity<ClaimedJob>> claim(@RequestBody ClaimRequest request) {
        checkName(request.workerName());
        return waiters.claim(request);
    }

    @PostMapping(path = "/claim/cancel", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Void> cancelClaims(@RequestBody ClaimCancel request) {
        checkName(request.workerName());
        WorkerReports.requireTokensName(request.workerName());
        waiters.cancel(request.workerName());
        return ResponseEntity.noContent().build();
    }

    @PostMapping(path = "/jobs/{jobId}/heartbeat", consumes = MediaType.APPLICATION_JSON_VALUE)
    HeartbeatResponse heartbeat(@PathVariable UUID jobId, @RequestBody Heartbeat heartbeat) {
        return queue.heartbeat(jobId, heartbeat);
    }

    @PostMapping(path = "/jobs/{jobId}/complete", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    JobOutcome complete(@PathVariable UUID jobId, @RequestParam(WorkerApi.ATTEMPT_PART) int attempt,
                        HttpServletRequest request) throws Exception {
        List<UploadedImage> images = new ArrayList<>();
        for (Part part : request.getParts()) {
            if (WorkerApi.IMAGE_PART.equals(part.getName())) {
                images.add(new UploadedImage(part.getSubmittedFileName(), read(part)));
            }
        }
        return queue.complete(jobId, attempt, images);
    }

    @PostMapping(path = "/jobs/{jobId}/fail", consumes = MediaType.APPLICATION_JSON_VALUE)
    JobOutcome fail(@PathVariable UUID jobId, @RequestBody FailRequest request) {
        return queue.fail(jobId, request);
    }

    @PostMapping(path = "/jobs/{jobId}/preview", consumes = {MediaType.IMAGE_JPEG_VALUE, MediaType.IMAGE_PNG_VALUE})
    ResponseEntity<Void> preview(@PathVariable UUID jobId, @RequestParam(WorkerApi.ATTEMPT_PART) int attempt,
                                 HttpServletRequest request) throws IOException {
        byte[] image;
        try (var in = request.getInputStream()) {
            image = in.readNBytes(WorkerApiLimits.MAX_PREVIEW_BYTES + 1);
        }
        if (image.length > WorkerApiLimits.MAX_PREVIEW_BYTES) {
            throw new ResponseStatusException(HttpStatus.CONTENT_TOO_LARGE,
                    "A preview may be at most " + WorkerApiLimits.MAX_PREVIEW_BYTES + " bytes.");
        }
        queue.savePreview(jobId, attempt, image);
        return ResponseEntity.noContent().build();
    }

    @PostMapping(path = "/jobs/{jobId}/handback", consumes = MediaType.APPLICATION_JSON_VALUE)
    JobOutcome handBack(@PathVariable UUID jobId, @RequestBody HandBackRequest request) {
        return queue.handBack(jobId, request);
    }

    private static byte[] read(Part part) throws IOException {
        try (var in = part.getInputStream()) {
            return in.readAllBytes();
        }
    }

    private static void checkName(String name) {
        if (name == null || name.isBlank() || name.length() > WorkerApiLimits.MAX_WORKER_NAME_CHARS) {
            throw new InvalidUploadException(
                    "workerName must be 1 to " + WorkerApiLimits.MAX_WORKER_NAME_CHARS + " characters.");
        }
    }
}
