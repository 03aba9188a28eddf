package org.text2image.server.workers;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.springframework.web.server.ResponseStatusException;
import org.text2image.server.training.InvalidLoraFileException;
import org.text2image.server.training.NotYourTrainingException;
import org.text2image.server.training.StaleTrainingAttemptException;
import org.text2image.server.training.TrainingNotFoundException;
import org.text2image.server.training.TrainingProperties;
import org.text2image.server.training.TrainingQueue;
import org.text2image.worker.api.FailRequest;
import org.text2image.worker.api.HandBackRequest;
import org.text2image.worker.api.Heartbeat;
import org.text2image.worker.api.HeartbeatResponse;
import org.text2image.worker.api.JobOutcome;
import org.text2image.worker.api.WorkerApi;

/**
 * The worker API's LoRA training paths ({@code /trainings/{id}/…}, see {@link WorkerApi}): the
 * calls about a claim whose {@code training} is set, translated to {@link TrainingQueue}. Same
 * rules as the job paths: problem details errors, 409 for a stale attempt, 403 when an issued token
 * acts for another worker's attempt, 404 for an unknown training or image. The LoRA part of a
 * completion is streamed to a temporary file (never held in memory), refused with 413 past
 * {@code text2image.training.max-lora-bytes}, and 400 when it is not a safetensors file.
 */
@RestController
@RequestMapping(WorkerApi.BASE_PATH + "/trainings")
class TrainingApiController {

    private final TrainingQueue trainings;
    private final WorkerPresence presence;
    private final TrainingProperties properties;

    TrainingApiController(TrainingQueue trainings, WorkerPresence presence, TrainingProperties properties) {
        this.trainings = trainings;
        this.presence = presence;
        this.properties = properties;
    }

    @PostMapping(path = "/{id}/heartbeat", consumes = MediaType.APPLICATION_JSON_VALUE)
    HeartbeatResponse heartbeat(@PathVariable UUID id, @RequestBody Heartbeat heartbeat,
                                @RequestAttribute(name = WorkerTokenFilter.TOKEN_NAME_ATTRIBUTE, required = false) String tokenName) {
        TrainingQueue.Heartbeat beat = trainings.heartbeat(id, heartbeat.attempt(), tokenName, heartbeat.step(),
                heartbeat.totalSteps());
        presence.seen(beat.workerName(), heartbeat.reachable());
        return new HeartbeatResponse(trainings.leaseTimeout().toSeconds(), beat.cancelRequested());
    }

    @GetMapping(path = "/{id}/images/{imageId}")
    ResponseEntity<org.springframework.core.io.Resource> image(@PathVariable UUID id, @PathVariable UUID imageId,
                                                               @RequestParam(WorkerApi.ATTEMPT_PART) int attempt,
                                                               @RequestAttribute(name = WorkerTokenFilter.TOKEN_NAME_ATTRIBUTE, required = false) String tokenName) {
        TrainingQueue.ImageContent image = trainings.image(id, attempt, tokenName, imageId)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                        "Training " + id + " has no image " + imageId + "."));
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(image.contentType()))
                .header("Cache-Control", "no-store").body(image.resource());
    }

    @PostMapping(path = "/{id}/complete", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    JobOutcome complete(@PathVariable UUID id, @RequestParam(WorkerApi.ATTEMPT_PART) int attempt,
                        @RequestAttribute(name = WorkerTokenFilter.TOKEN_NAME_ATTRIBUTE, required = false) String tokenName,
                        HttpServletRequest request) throws Exception {
        Part lora = request.getPart(WorkerApi.LORA_PART);
        if (lora == null) {
            throw new InvalidLoraFileException("The completion needs the LoRA file in the part \"" + WorkerApi.LORA_PART + "\".", false);
        }
        long maxBytes = properties.maxLoraBytes().toBytes();
        if (lora.getSize() > maxBytes) {
            throw tooLarge(lora.getSize(), maxBytes);
        }
        Path file = Files.createTempFile("text2image-lora-", ".safetensors");
        try {
            copy(lora, file, maxBytes);
            return new JobOutcome(trainings.complete(id, attempt, tokenName, file).name());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @PostMapping(path = "/{id}/fail", consumes = MediaType.APPLICATION_JSON_VALUE)
    JobOutcome fail(@PathVariable UUID id, @RequestBody FailRequest request,
                    @RequestAttribute(name = WorkerTokenFilter.TOKEN_NAME_ATTRIBUTE, required = false) String tokenName) {
        return new JobOutcome(trainings.fail(id, request.attempt(), tokenName, request.reason(), request.retryable()).name());
    }

    @PostMapping(path = "/{id}/handback", consumes = MediaType.APPLICATION_JSON_VALUE)
    JobOutcome handBack(@PathVariable UUID id, @RequestBody HandBackRequest request,
                        @RequestAttribute(name = WorkerTokenFilter.TOKEN_NAME_ATTRIBUTE, required = false) String tokenName) {
        return new JobOutcome(trainings.handBack(id, request.attempt(), tokenName, request.reason()).name());
    }

    @ExceptionHandler(StaleTrainingAttemptException.class)
    ProblemDetail stale(StaleTrainingAttemptException e) {
        return problem(HttpStatus.CONFLICT, e.getMessage());
    }

    @ExceptionHandler(NotYourTrainingException.class)
    ProblemDetail notYours(NotYourTrainingException e) {
        return problem(HttpStatus.FORBIDDEN, e.getMessage());
    }

    @ExceptionHandler(TrainingNotFoundException.class)
    ProblemDetail notFound(TrainingNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, e.getMessage());
    }

    @ExceptionHandler(InvalidLoraFileException.class)
    ProblemDetail invalidLora(InvalidLoraFileException e) {
        return problem(e.tooLarge() ? HttpStatus.CONTENT_TOO_LARGE : HttpStatus.BAD_REQUEST, e.getMessage());
    }

    private static InvalidLoraFileException tooLarge(long size, long maxBytes) {
        return new InvalidLoraFileException("The LoRA file is " + size + " bytes; at most " + maxBytes
                + " bytes are accepted (text2image.training.max-lora-bytes).", true);
    }

    /** Copies the part to {@code file}, refusing it as soon as it passes {@code maxBytes}. */
    private static void copy(Part part, Path file, long maxBytes) throws IOException {
        byte[] buffer = new byte[256 * 1024];
        long copied = 0;
        try (InputStream in = part.getInputStream(); OutputStream out = Files.newOutputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                copied += n;
                if (copied > maxBytes) {
                    throw tooLarge(copied, maxBytes);
                }
                out.write(buffer, 0, n);
            }
        }
    }

    private static ProblemDetail problem(HttpStatus status, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setProperty("retryable", false);
        return problem;
    }
}
