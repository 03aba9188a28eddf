package org.text2image.server.api.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;

/**
 * The shape of every error under {@code /api/v1} in the OpenAPI document: an RFC 9457 problem
 * ({@code application/problem+json}) as {@link ApiExceptions} and {@link ApiErrorWriter} write it.
 * Only the document uses this record; the answers are Spring's {@code ProblemDetail}.
 */
@Schema(name = "Problem", description = "An error (RFC 9457 problem details, Content-Type application/problem+json). "
        + "Switch on type, never on detail. A refused request wrote nothing.")
record ApiProblem(
        @Schema(description = "The stable problem type, a path under /api/v1/problems/: invalid-request, "
                + "malformed-request, unauthenticated, insufficient-credits, insufficient-scope, not-found, unsupported, "
                + "not-cancellable, body-too-large, idempotency-key-reused, rate-limited, too-many-active-jobs or "
                + "server-error.", example = "/api/v1/problems/invalid-request")
        @JsonProperty("type") String type,
        @Schema(description = "The HTTP status's reason phrase.", example = "Bad Request")
        @JsonProperty("title") String title,
        @Schema(description = "The HTTP status code.", example = "400")
        @JsonProperty("status") int status,
        @Schema(description = "What went wrong, for a person to read; it may change between versions.",
                example = "Width must be between 64 and 1024 pixels.")
        @JsonProperty("detail") String detail,
        @Schema(description = "The path of the request that failed.", example = "/api/v1/jobs")
        @JsonProperty("instance") String instance,
        @Schema(description = "Whether the same request may succeed later (after Retry-After for a 429).")
        @JsonProperty("retryable") boolean retryable,
        @Schema(description = "For invalid-request: each field or parameter that breaks a rule, mapped to its message.",
                example = "{\"width\": \"Width must be between 64 and 1024 pixels.\"}")
        @JsonProperty("errors") Map<String, String> errors,
        @Schema(description = "For insufficient-credits: the job's price in credits.")
        @JsonProperty("required_credits") Long requiredCredits,
        @Schema(description = "For insufficient-credits: the credits available now.")
        @JsonProperty("available_credits") Long availableCredits) {
}
