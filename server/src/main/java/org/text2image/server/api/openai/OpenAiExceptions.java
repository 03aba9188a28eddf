package org.text2image.server.api.openai;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.text2image.server.api.ApiProblems;
import org.text2image.server.api.IdempotencyKeyReusedException;
import org.text2image.server.credits.InsufficientCreditsException;
import org.text2image.server.generation.TooManyQueuedJobsException;
import org.text2image.server.support.InvalidInputException;
import org.text2image.server.web.NulFreeStringDeserializer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;

/**
 * The errors of the OpenAI-compatible endpoints under {@code /v1}, in OpenAI's shape
 * ({@link OpenAiError}), never RFC 9457 problems: this advice is limited to this package and comes
 * before the site's JSON error mapping. The filter's refusals (401, 403, 413, 429) are written in
 * the same shape by the API's filter, and errors no controller answers (unknown path, 405, 415) by
 * the site's error page. 4xx are logged at DEBUG (404) or WARN, 5xx at ERROR with the stack trace.
 */
@RestControllerAdvice(basePackageClasses = OpenAiExceptions.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class OpenAiExceptions {

    private static final Logger log = LoggerFactory.getLogger(OpenAiExceptions.class);
    private static final Map<Integer, String> CODES = Map.of(400, "invalid_request", 401, "invalid_api_key",
            403, "insufficient_scope", 404, "not_found", 405, "method_not_allowed", 406, "not_acceptable",
            413, "request_too_large", 415, "unsupported_media_type", 429, "rate_limit_exceeded");

    @ExceptionHandler(OpenAiRefusal.class)
    ResponseEntity<Object> refused(OpenAiRefusal e) {
        return refusal(e.status(), e.type(), e.code(), e.param(), e.getMessage());
    }

    @ExceptionHandler(InvalidInputException.class)
    ResponseEntity<Object> invalid(InvalidInputException e) {
        String param = e.fieldErrors().keySet().stream().sorted().findFirst().map(OpenAiImageRequest::openAiName)
                .orElse(null);
        return refusal(HttpStatus.BAD_REQUEST, "invalid_request_error", "invalid_value", param, e.getMessage());
    }

    @ExceptionHandler(InsufficientCreditsException.class)
    ResponseEntity<Object> insufficientCredits(InsufficientCreditsException e) {
        return refusal(HttpStatus.PAYMENT_REQUIRED, "insufficient_quota", "insufficient_quota", null,
                e.getMessage() + " Buy credits on the Billing page, or ask for fewer or smaller images.");
    }

    @ExceptionHandler(TooManyQueuedJobsException.class)
    ResponseEntity<Object> tooManyJobs(TooManyQueuedJobsException e) {
        log.warn("429 {}", e.getMessage());
        return OpenAiError.answer(HttpStatus.TOO_MANY_REQUESTS, "rate_limit_error", "too_many_active_jobs", null,
                e.getMessage(), true);
    }

    @ExceptionHandler(IdempotencyKeyReusedException.class)
    ResponseEntity<Object> keyReused(IdempotencyKeyReusedException e) {
        return refusal(HttpStatus.UNPROCESSABLE_CONTENT, "invalid_request_error", "idempotency_key_reused", null,
                e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Object> unreadable(HttpMessageNotReadableException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            // the API filter's cap on a body without Content-Length (its exception is the filter's own)
            if (cause.getClass().getSimpleName().equals("BodyTooLargeException")) {
                return refusal(HttpStatus.CONTENT_TOO_LARGE, "invalid_request_error", "request_too_large", null,
                        "The body is larger than " + ApiProblems.MAX_BODY_BYTES + " bytes.");
            }
            if (cause instanceof NulFreeStringDeserializer.NulInTextException nul) {
                return refusal(HttpStatus.BAD_REQUEST, "invalid_request_error", "invalid_value",
                        nul.field().isEmpty() ? null : nul.field(), "Text must not contain the NUL character (U+0000).");
            }
            if (cause instanceof InputCoercionException number) { // such as 1e400 for a whole number
                String field = number.getPath().isEmpty() ? null : number.getPath().getFirst().getPropertyName();
                return refusal(HttpStatus.BAD_REQUEST, "invalid_request_error", "invalid_value", field,
                        (field == null ? "A number" : "The field '" + field + "'") + " is out of range.");
            }
            if (cause instanceof JacksonException json && !(cause instanceof StreamReadException)
                    && !json.getPath().isEmpty() && json.getPath().getFirst().getPropertyName() != null) {
                String field = json.getPath().getFirst().getPropertyName();
                return refusal(HttpStatus.BAD_REQUEST, "invalid_request_error", "invalid_type", field,
                        "The field '" + field + "' has a value of the wrong type.");
            }
        }
        return refusal(HttpStatus.BAD_REQUEST, "invalid_request_error", "invalid_json",
                null, "The body is not a valid JSON object. Send one with at least a prompt, with Content-Type: "
                        + "application/json.");
    }

    @ExceptionHandler(AsyncRequestNotUsableException.class)
    ResponseEntity<Object> clientGone(AsyncRequestNotUsableException e) {
        log.debug("The client hung up before its answer: {}", e.getMessage());
        return null; // nobody to answer
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) {
        if (e instanceof ErrorResponse standard) { // Spring MVC's own 4xx: 405, 406, 415, a missing header, …
            HttpStatusCode status = standard.getStatusCode();
            return refusal(status, status.is5xxServerError() ? "server_error" : "invalid_request_error",
                    codeOf(status.value()), null,
                    standard.getBody().getDetail() == null ? "The request was refused." : standard.getBody().getDetail());
        }
        log.error("Unexpected error in an OpenAI-compatible call", e);
        return OpenAiError.answer(HttpStatus.INTERNAL_SERVER_ERROR, "server_error", "server_error", null,
                "Something went wrong on the server. Try again.", true);
    }

    /**
     * The {@code code} of an error Spring MVC raised with only a status (the site's error page gives
     * the same codes under {@code /v1/}; docs/API.md lists them).
     */
    private static String codeOf(int status) {
        return CODES.getOrDefault(status, status >= 500 ? "server_error" : "invalid_request");
    }

    private static ResponseEntity<Object> refusal(HttpStatusCode status, String type, String code, String param,
                                                  String message) {
        if (status.value() == 404) {
            log.debug("404 {}", message);
        } else {
            log.warn("{} {}", status.value(), message);
        }
        return OpenAiError.refusal(status, type, code, param, message);
    }
}
