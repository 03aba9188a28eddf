package org.text2image.server.api.web;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.text2image.server.api.ApiProblems;
import org.text2image.server.api.IdempotencyKeyReusedException;
import org.text2image.server.credits.InsufficientCreditsException;
import org.text2image.server.generation.JobNotCancellableException;
import org.text2image.server.generation.JobNotFoundException;
import org.text2image.server.generation.TooManyQueuedJobsException;
import org.text2image.server.support.InvalidInputException;
import org.text2image.server.web.NulFreeStringDeserializer;

/**
 * The errors of the REST API under {@code /api/v1}: RFC 9457 problem details with a stable
 * {@code type} of {@link ApiProblems}, a {@code retryable} flag, and {@code errors} (field → message,
 * with the API's field names) for input that breaks a rule. 4xx are logged at DEBUG/WARN, 5xx at
 * ERROR with the stack trace.
 */
@RestControllerAdvice(basePackageClasses = ApiExceptions.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ApiExceptions {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptions.class);

    @ExceptionHandler(InvalidInputException.class)
    ResponseEntity<ProblemDetail> invalid(InvalidInputException e) {
        Map<String, String> errors = new LinkedHashMap<>();
        e.fieldErrors().forEach((field, message) -> errors.put(ApiJobRequest.apiName(field), message));
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, ApiProblems.INVALID_REQUEST, e.getMessage());
        problem.setProperty("errors", errors);
        return answer(problem);
    }

    @ExceptionHandler(JobsApiController.MalformedBodyException.class)
    ResponseEntity<ProblemDetail> malformedBody(JobsApiController.MalformedBodyException e) {
        return answer(problem(HttpStatus.BAD_REQUEST, ApiProblems.MALFORMED_REQUEST, e.getCause() == null
                ? e.getMessage() : "The body is not JSON of the expected shape: a field has a value of the wrong type."));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BodyLimit.BodyTooLargeException) {
                return answer(problem(HttpStatus.CONTENT_TOO_LARGE, ApiProblems.BODY_TOO_LARGE,
                        "The body is larger than " + ApiProblems.MAX_BODY_BYTES + " bytes."));
            }
            if (cause instanceof NulFreeStringDeserializer.NulInTextException nul) {
                return answer(problem(HttpStatus.BAD_REQUEST, ApiProblems.MALFORMED_REQUEST,
                        "Text must not contain the NUL character (U+0000); found in "
                                + (nul.field().isEmpty() ? "the body" : nul.field()) + "."));
            }
        }
        return answer(problem(HttpStatus.BAD_REQUEST, ApiProblems.MALFORMED_REQUEST,
                "The body is not valid JSON. Send a JSON object with Content-Type: application/json."));
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class})
    ResponseEntity<ProblemDetail> badParameter(Exception e) {
        String name = e instanceof MethodArgumentTypeMismatchException mismatch ? mismatch.getName()
                : ((MissingServletRequestParameterException) e).getParameterName();
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, ApiProblems.INVALID_REQUEST,
                "The parameter '" + name + "' is missing or has a value of the wrong type.");
        problem.setProperty("errors", Map.of(name, "Missing or of the wrong type."));
        return answer(problem);
    }

    @ExceptionHandler(InsufficientCreditsException.class)
    ResponseEntity<ProblemDetail> insufficientCredits(InsufficientCreditsException e) {
        ProblemDetail problem = problem(HttpStatus.PAYMENT_REQUIRED, ApiProblems.INSUFFICIENT_CREDITS, e.getMessage());
        problem.setProperty("required_credits", e.requiredCredits());
        problem.setProperty("available_credits", e.availableCredits());
        return answer(problem);
    }

    @ExceptionHandler(TooManyQueuedJobsException.class)
    ResponseEntity<ProblemDetail> tooManyJobs(TooManyQueuedJobsException e) {
        ProblemDetail problem = problem(HttpStatus.TOO_MANY_REQUESTS, ApiProblems.TOO_MANY_ACTIVE_JOBS, e.getMessage());
        problem.setProperty("retryable", true);
        return answer(problem);
    }

    @ExceptionHandler(JobNotFoundException.class)
    ResponseEntity<ProblemDetail> notFound(JobNotFoundException e) {
        return answer(problem(HttpStatus.NOT_FOUND, ApiProblems.NOT_FOUND, "No such job."));
    }

    @ExceptionHandler(JobNotCancellableException.class)
    ResponseEntity<ProblemDetail> notCancellable(JobNotCancellableException e) {
        return answer(problem(HttpStatus.CONFLICT, ApiProblems.NOT_CANCELLABLE, e.getMessage()));
    }

    @ExceptionHandler(IdempotencyKeyReusedException.class)
    ResponseEntity<ProblemDetail> keyReused(IdempotencyKeyReusedException e) {
        return answer(problem(HttpStatus.UNPROCESSABLE_CONTENT, ApiProblems.IDEMPOTENCY_KEY_REUSED, e.getMessage()));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        if (e instanceof ErrorResponse standard) { // Spring MVC's own 4xx: 405, 406, 415, …
            HttpStatusCode status = standard.getStatusCode();
            URI type = status.value() == 404 ? ApiProblems.NOT_FOUND : ApiProblems.UNSUPPORTED;
            return answer(problem(status, type, standard.getBody().getDetail()));
        }
        log.error("Unexpected error in a public API call", e);
        ProblemDetail problem = problem(HttpStatus.INTERNAL_SERVER_ERROR, ApiProblems.SERVER_ERROR,
                "Something went wrong on the server. Try again.");
        problem.setProperty("retryable", true);
        return answer(problem);
    }

    private static ProblemDetail problem(HttpStatusCode status, URI type, String detail) {
        if (status.value() == 404) {
            log.debug("{} {}", status.value(), detail);
        } else if (status.is4xxClientError()) {
            log.warn("{} {}", status.value(), detail);
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setProperty("retryable", false);
        return problem;
    }

    /** The content type is set, so the answer is problem JSON whatever the client's Accept header says. */
    private static ResponseEntity<ProblemDetail> answer(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
