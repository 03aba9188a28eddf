package org.text2image.server.web;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.text2image.server.credits.InsufficientCreditsException;
import org.text2image.server.generation.InvalidUploadException;
import org.text2image.server.generation.JobNotCancellableException;
import org.text2image.server.generation.JobNotFoundException;
import org.text2image.server.generation.NotYourJobException;
import org.text2image.server.generation.StaleAttemptException;
import org.text2image.server.generation.TooManyQueuedJobsException;
import org.text2image.server.support.InvalidInputException;

/**
 * The one error mapping of the JSON APIs ({@code @RestController}s): RFC 9457 problem details with
 * a {@code retryable} flag (and {@code errors} per field for input that breaks a rule). A 404 is
 * logged at DEBUG (not a server problem), other 4xx at WARN, 5xx at ERROR with the stack trace.
 */
@RestControllerAdvice(annotations = RestController.class)
@Order(ApiExceptionHandler.ORDER)
class ApiExceptionHandler {

    /**
     * This advice's order: after a feature's own advice for its controllers (such as the public
     * API's problem types), which take {@link Ordered#HIGHEST_PRECEDENCE}.
     */
    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(InvalidInputException.class)
    ProblemDetail invalidRequest(InvalidInputException e) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, e.getMessage(), false);
        problem.setProperty("errors", e.fieldErrors());
        return problem;
    }

    @ExceptionHandler({InvalidUploadException.class, MissingServletRequestParameterException.class,
            MissingServletRequestPartException.class, MethodArgumentTypeMismatchException.class})
    ProblemDetail badRequest(Exception e) {
        return problem(HttpStatus.BAD_REQUEST, e.getMessage(), false);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail malformedJson(HttpMessageNotReadableException e) {
        if (e.getMostSpecificCause() instanceof NulFreeStringDeserializer.NulInTextException nul) {
            return problem(HttpStatus.BAD_REQUEST, "Text must not contain the NUL character (U+0000); found in "
                    + (nul.field().isEmpty() ? "the body" : nul.field()) + ".", false);
        }
        return problem(HttpStatus.BAD_REQUEST, "The request body is not valid JSON of the expected shape.", false);
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ProblemDetail unsupportedMediaType(HttpMediaTypeNotSupportedException e) {
        return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, e.getMessage(), false);
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ProblemDetail tooLarge(MaxUploadSizeExceededException e) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "The upload is larger than the server accepts.", false);
    }

    @ExceptionHandler(MultipartException.class)
    ProblemDetail badMultipart(MultipartException e) {
        return problem(HttpStatus.BAD_REQUEST, "The multipart body could not be read.", false);
    }

    @ExceptionHandler(InsufficientCreditsException.class)
    ProblemDetail insufficientCredits(InsufficientCreditsException e) {
        ProblemDetail problem = problem(HttpStatus.PAYMENT_REQUIRED, e.getMessage(), false);
        problem.setProperty("requiredCredits", e.requiredCredits());
        problem.setProperty("availableCredits", e.availableCredits());
        return problem;
    }

    @ExceptionHandler(TooManyQueuedJobsException.class)
    ProblemDetail tooMany(TooManyQueuedJobsException e) {
        return problem(HttpStatus.TOO_MANY_REQUESTS, e.getMessage(), true);
    }

    @ExceptionHandler(JobNotFoundException.class)
    ProblemDetail notFound(JobNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, e.getMessage(), false);
    }

    @ExceptionHandler(NotYourJobException.class)
    ProblemDetail forbidden(NotYourJobException e) {
        return problem(HttpStatus.FORBIDDEN, e.getMessage(), false);
    }

    @ExceptionHandler({StaleAttemptException.class, JobNotCancellableException.class})
    ProblemDetail conflict(RuntimeException e) {
        return problem(HttpStatus.CONFLICT, e.getMessage(), false);
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        if (e instanceof ErrorResponse standard) { // Spring MVC's own 4xx (method not allowed, …)
            ProblemDetail problem = standard.getBody();
            problem.setProperty("retryable", false);
            logRefusal(problem.getStatus(), problem.getDetail());
            return problem;
        }
        log.error("Unexpected error in an API call", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Something went wrong on the server. Try again.", true);
    }

    /** A 404 at DEBUG (no server problem), any other 4xx at WARN. */
    private static void logRefusal(int status, String detail) {
        if (status == HttpStatus.NOT_FOUND.value()) {
            log.debug("{} {}", status, detail);
        } else {
            log.warn("{} {}", status, detail);
        }
    }

    private static ProblemDetail problem(HttpStatus status, String detail, boolean retryable) {
        if (status.is4xxClientError()) {
            logRefusal(status.value(), status.getReasonPhrase() + ": " + detail);
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setProperties(Map.of("retryable", retryable));
        return problem;
    }
}
