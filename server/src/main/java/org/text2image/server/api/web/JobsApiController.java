package org.text2image.server.api.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.text2image.server.api.ApiCaller;
import org.text2image.server.api.ApiSubmissions;
import org.text2image.server.api.Submission;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobListQuery;
import org.text2image.server.generation.JobNotFoundException;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.Viewer;
import org.text2image.server.generation.LoraRules;
import org.text2image.server.support.InvalidInputException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The REST endpoints of jobs (docs/API.md): submit, get, list, cancel. They call the same
 * {@link GenerationService} as the Generate page, so every rule applies unchanged. Errors are
 * problem details ({@link ApiExceptions}).
 */
@RestController
@RequestMapping("/api/v1/jobs")
@Tag(name = "Jobs", description = "Submit a job, follow it, list and cancel jobs.")
class JobsApiController {

    /** Jobs on a page when the request does not say. */
    static final int DEFAULT_LIMIT = 20;

    private final ApiSubmissions submissions;
    private final GenerationService generation;
    private final ApiJobs jobs;
    private final JsonMapper json;

    JobsApiController(ApiSubmissions submissions, GenerationService generation, ApiJobs jobs, JsonMapper json) {
        this.submissions = submissions;
        this.generation = generation;
        this.jobs = jobs;
        this.json = json;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "submitJob", summary = "Submit a job",
            description = "Validates, prices and queues a job, holding its price in credits. With an Idempotency-Key, "
                    + "the same key and body within 24 hours return the first job (200, header Idempotent-Replayed: "
                    + "true) and the same key with another body is refused (422).",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(schema = @Schema(implementation = ApiJobRequest.class))))
    @ApiResponse(responseCode = "201", description = "Queued; Location names the job.")
    @ApiResponse(responseCode = "200", description = "A repeat of an earlier request with the same Idempotency-Key.")
    @ApiResponse(responseCode = "400", description = "A field breaks a rule (errors per field), or the body is malformed.",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ApiProblem.class)))
    @ApiResponse(responseCode = "402", description = "The price exceeds the available credits.",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ApiProblem.class)))
    @ApiResponse(responseCode = "413", description = "The body is larger than 64 KiB.",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ApiProblem.class)))
    @ApiResponse(responseCode = "422", description = "The Idempotency-Key was used with another body.",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ApiProblem.class)))
    @ApiResponse(responseCode = "429", description = "Rate limit (Retry-After) or too many active jobs.",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ApiProblem.class)))
    ResponseEntity<ApiJob> submit(@AuthenticationPrincipal ApiCaller caller,
                                  @Parameter(hidden = true) @RequestBody JsonNode body,
                                  @Parameter(description = "Any 1 to 255 printable ASCII characters, such as a UUID; "
                                          + "remembered for 24 hours.")
                                  @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
        ApiJobRequest request = read(body);
        Submission submission = submissions.submit(caller, request.toRequest(), idempotencyKey);
        ApiJob job = jobs.of(find(caller, submission.jobId()), caller.userId());
        if (!submission.created()) {
            return ResponseEntity.ok().header("Idempotent-Replayed", "true").body(job);
        }
        return ResponseEntity.created(URI.create("/api/v1/jobs/" + job.id())).body(job);
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getJob", summary = "Get a job", description = "State, queue position, progress, attempts, cost, and once it "
            + "succeeded its images with signed URLs that work without a key for about an hour.")
    @ApiResponse(responseCode = "200", description = "The job.")
    @ApiResponse(responseCode = "404", description = "No such job of the caller's.",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ApiProblem.class)))
    ApiJob get(@AuthenticationPrincipal ApiCaller caller, @PathVariable("id") UUID id) {
        return jobs.of(find(caller, id), caller.userId());
    }

    @GetMapping
    @Operation(operationId = "listJobs", summary = "List jobs", description = "The caller's jobs, newest first, a page at a time: pass a page's "
            + "next_cursor as cursor for the next one.")
    @ApiResponse(responseCode = "200", description = "A page of jobs.")
    @ApiResponse(responseCode = "400", description = "A bad filter, limit or cursor.",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ApiProblem.class)))
    ApiJobPage list(@AuthenticationPrincipal ApiCaller caller,
                    @Parameter(description = "Jobs on the page, 1 to 100 (default 20).")
                    @RequestParam(name = "limit", required = false) Integer limit,
                    @Parameter(description = "The next_cursor of the previous page.")
                    @RequestParam(name = "cursor", required = false) String cursor,
                    @Parameter(description = "Only jobs in these states, comma-separated: queued, running, succeeded, "
                            + "failed, cancelled.")
                    @RequestParam(name = "status", required = false) String status,
                    @Parameter(description = "Only jobs of this model id.")
                    @RequestParam(name = "model", required = false) String model,
                    @Parameter(description = "Only jobs created at or after this instant (ISO-8601).")
                    @RequestParam(name = "created_after", required = false) java.time.Instant createdAfter) {
        int pageSize = limit == null ? DEFAULT_LIMIT : limit;
        if (pageSize < 1 || pageSize > GenerationService.MAX_PAGE_SIZE) {
            throw new InvalidInputException(Map.of("limit", "limit is 1 to " + GenerationService.MAX_PAGE_SIZE + "."));
        }
        Cursors.JobPosition after = cursor == null || cursor.isEmpty() ? null : Cursors.job(cursor);
        // one more than asked, to know whether there is a next page
        List<JobView> found = generation.history(caller.userId(), new JobListQuery(statuses(status),
                model == null || model.isBlank() ? null : model.strip(), createdAfter,
                after == null ? null : after.createdAt(), after == null ? null : after.id(), pageSize + 1));
        boolean more = found.size() > pageSize;
        List<JobView> page = more ? found.subList(0, pageSize) : found;
        String next = more ? Cursors.job(page.getLast().createdAt(), page.getLast().id()) : null;
        return new ApiJobPage(jobs.of(page, caller.userId()), next);
    }

    @PostMapping("/{id}/cancel")
    @Operation(operationId = "cancelJob", summary = "Cancel a job", description = "Cancels a queued or running job and gives back its held "
            + "credits: nothing is charged.")
    @ApiResponse(responseCode = "200", description = "The cancelled job.")
    @ApiResponse(responseCode = "404", description = "No such job of the caller's.",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ApiProblem.class)))
    @ApiResponse(responseCode = "409", description = "The job has already ended.",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ApiProblem.class)))
    ApiJob cancel(@AuthenticationPrincipal ApiCaller caller, @PathVariable("id") UUID id) {
        return jobs.of(generation.cancel(id, caller.userId()), caller.userId());
    }

    private JobView find(ApiCaller caller, UUID id) {
        return generation.find(id, new Viewer(caller.userId(), false)).orElseThrow(() -> new JobNotFoundException(id));
    }

    /**
     * The body as a request: a JSON object with only the known fields (an unknown one is refused by
     * name, so a typo such as {@code cfg} is not silently ignored).
     */
    private ApiJobRequest read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new MalformedBodyException("The body must be a JSON object with at least a prompt.");
        }
        Iterator<String> names = body.propertyNames().iterator();
        while (names.hasNext()) {
            String name = names.next();
            if (!ApiJobRequest.FIELDS.contains(name)) {
                throw new InvalidInputException(Map.of(name.length() > 64 ? name.substring(0, 64) : name,
                        "Unknown field. The fields are " + String.join(", ", ApiJobRequest.FIELDS.stream().sorted()
                                .toList()) + "."));
            }
        }
        JsonNode strength = body.get("lora_strength");
        if (strength != null && !strength.isNull()
                && (!strength.isNumber() || !Double.isFinite(strength.numberValue().doubleValue()))) {
            throw new InvalidInputException(Map.of("loraStrength",
                    "lora_strength must be a number from -2 to 2, such as 1 or 0.75."));
        }
        JsonNode lora = body.get("lora_id");
        if (lora != null && !lora.isNull() && !lora.isString()) {
            throw new InvalidInputException(Map.of("loraId", LoraRules.CHOOSE_YOUR_MODEL));
        }
        try {
            return json.treeToValue(body, ApiJobRequest.class);
        } catch (JacksonException e) {
            throw new MalformedBodyException(e);
        }
    }

    private static Set<JobStatus> statuses(String text) {
        if (text == null || text.isBlank()) {
            return Set.of();
        }
        Set<JobStatus> statuses = EnumSet.noneOf(JobStatus.class);
        for (String part : text.split(",")) {
            try {
                statuses.add(JobStatus.valueOf(part.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(Map.of("status", "status takes queued, running, succeeded, failed "
                        + "or cancelled, comma-separated."));
            }
        }
        return statuses;
    }

    /** A body that is not a JSON object of the expected shape (400, malformed-request). */
    static final class MalformedBodyException extends RuntimeException {

        MalformedBodyException(String message) {
            super(message);
        }

        MalformedBodyException(JacksonException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
