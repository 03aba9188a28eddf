package org.text2image.server.api.openai;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.text2image.server.api.ApiCaller;
import org.text2image.server.api.ApiSubmissions;
import org.text2image.server.api.Submission;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.InvalidGenerationRequestException;
import org.text2image.server.generation.JobParameters;

/**
 * {@code POST /v1/images/generations}, OpenAI's "Create image" (docs/API.md, "OpenAI-compatible
 * endpoints"): submits a job as {@code POST /api/v1/jobs} does (every rule of the Generate form, the
 * {@code Idempotency-Key} header), waits up to {@code text2image.api.openai-wait} for it to end
 * ({@link JobWaits}), and answers in OpenAI's shape ({@link OpenAiAnswers}). Every refusal is one
 * of OpenAI's errors ({@link OpenAiExceptions}) and writes nothing.
 */
@RestController
@RequestMapping("/v1")
@Tag(name = "OpenAI-compatible", description = "For OpenAI's SDKs.")
class OpenAiImagesController {

    /** The order in which a refusal's fields are named: the first one is the error's {@code param}. */
    private static final List<String> FIELD_ORDER = List.of("modelId", "prompt", "batchSize", "width", "height",
            "negativePrompt", "seed", "steps", "cfgScale", "sampler", "scheduler");

    private final ApiSubmissions submissions;
    private final GenerationService generation;
    private final JobWaits waits;
    private final OpenAiAnswers answers;
    private final OpenAiProperties properties;

    OpenAiImagesController(ApiSubmissions submissions, GenerationService generation, JobWaits waits,
                           OpenAiAnswers answers, OpenAiProperties properties) {
        this.submissions = submissions;
        this.generation = generation;
        this.waits = waits;
        this.answers = answers;
        this.properties = properties;
    }

    @PostMapping(path = "/images/generations", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Create images (OpenAI-compatible)",
            description = "Submits a job and waits for it up to text2image.api.openai-wait: 200 with OpenAI's images "
                    + "response, or 202 with the job's id and Location (/api/v1/jobs/{id}) when it is still running.")
    @ApiResponse(responseCode = "200", description = "{\"created\": …, \"data\": [{\"url\": …} or {\"b64_json\": …}]}")
    @ApiResponse(responseCode = "202", description = "The job has not ended yet: follow it at Location.")
    @ApiResponse(responseCode = "400", description = "A field breaks a rule; error.param names it.")
    @ApiResponse(responseCode = "402", description = "Too few credits (insufficient_quota).")
    @ApiResponse(responseCode = "403", description = "The plan does not allow the request (plan_restricted).")
    @ApiResponse(responseCode = "404", description = "No such model (model_not_found).")
    @ApiResponse(responseCode = "409", description = "The job was cancelled while waiting (job_cancelled).")
    @ApiResponse(responseCode = "502", description = "The job failed (generation_failed); nothing was charged.")
    DeferredResult<ResponseEntity<Object>> generate(
            @AuthenticationPrincipal ApiCaller caller, @RequestBody OpenAiImageRequest body,
            @Parameter(description = "Any 1 to 255 printable ASCII characters, such as a UUID; remembered for 24 "
                    + "hours: a repeat returns the first job.")
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
        OpenAiImageRequest.Format format = body.format();
        GenerationRequest request = body.toRequest();
        Submission submission;
        refuseVideoModel(request);
        try {
            submission = submissions.submit(caller, request, idempotencyKey);
        } catch (InvalidGenerationRequestException e) {
            throw refusal(e, request);
        }
        String base = ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
        long ownerId = caller.userId();
        return waits.await(submission.jobId(), ownerId, properties.openaiWait(),
                job -> answers.of(job, ownerId, format, base));
    }

    /** OpenAI's images endpoint makes images: a video model is for {@code POST /api/v1/jobs}. */
    private void refuseVideoModel(GenerationRequest request) {
        generation.models().stream().filter(model -> model.id().equals(request.modelId()) && model.isVideo())
                .findFirst().ifPresent(model -> {
                    throw OpenAiRefusal.invalid("invalid_value", "model", model.name()
                            + " is a video model; this endpoint makes images. Use POST /api/v1/jobs for videos.");
                });
    }

    /**
     * OpenAI's error for a refused request: an unknown model is a 404 {@code model_not_found}; a
     * request valid on the site but not on the caller's plan (its batch limit, parameter access,
     * models, weekly images; the same request checked without the plan passes) a 403
     * {@code plan_restricted}; a model no worker offers a 400 {@code model_unavailable}; anything
     * else a 400 {@code invalid_value}, with {@code param} naming the first field at fault.
     */
    private OpenAiRefusal refusal(InvalidGenerationRequestException e, GenerationRequest request) {
        Map<String, String> errors = e.fieldErrors();
        String message = ordered(errors);
        if (errors.containsKey("Idempotency-Key")) {
            return OpenAiRefusal.invalid("invalid_idempotency_key", null, errors.get("Idempotency-Key"));
        }
        String param = errors.keySet().stream().min((a, b) -> Integer.compare(rank(a), rank(b)))
                .map(OpenAiImageRequest::openAiName).orElse(null);
        if (request.modelId() != null && !request.modelId().isBlank() && generation.models().stream().noneMatch(m -> m.id().equals(request.modelId()))) {
            return new OpenAiRefusal(HttpStatus.NOT_FOUND, "invalid_request_error", "model_not_found", "model",
                    "The model '" + shorten(request.modelId()) + "' does not exist. GET /v1/models lists the models.");
        }
        JobParameters valid;
        try {
            valid = generation.quote(request); // the site's and the model's rules only, not the plan's
        } catch (InvalidGenerationRequestException invalid) {
            return OpenAiRefusal.invalid("invalid_value", param, message);
        }
        if (generation.unavailableModelIds().contains(valid.modelId())) {
            return OpenAiRefusal.invalid("model_unavailable", "model", message);
        }
        return new OpenAiRefusal(HttpStatus.FORBIDDEN, "permission_error", "plan_restricted", param, message);
    }

    private static String ordered(Map<String, String> errors) {
        return errors.entrySet().stream().sorted((a, b) -> Integer.compare(rank(a.getKey()), rank(b.getKey())))
                .map(Map.Entry::getValue).filter(Objects::nonNull).distinct().collect(Collectors.joining(" "));
    }

    private static int rank(String field) {
        int rank = FIELD_ORDER.indexOf(field);
        return rank < 0 ? FIELD_ORDER.size() : rank;
    }

    private static String shorten(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }
}
