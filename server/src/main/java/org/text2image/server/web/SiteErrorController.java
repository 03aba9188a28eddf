package org.text2image.server.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorAttributes;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.servlet.ModelAndView;

/**
 * The servlet container's error page ({@code /error}), reached by every error that no controller
 * answered itself: a URL the firewall refuses ({@code ;}, {@code //}), a refused parameter, an
 * unknown path, a wrong method, an unexpected exception. The answer depends on the path, never on
 * the {@code Accept} header: under {@code /api/} RFC 9457 problem details with a {@code retryable}
 * flag (as {@link ApiExceptionHandler}'s), under {@code /v1/} (the OpenAI-compatible endpoints)
 * OpenAI's error body ({@link #openAiError}), anywhere else the site's HTML error page in the layout
 * ({@code error/404} for 404, else {@code error} with a plain message for 4xx). A 404 is logged
 * at DEBUG (not a server problem), other 4xx at WARN, 5xx at ERROR with the stack trace.
 */
@Controller
class SiteErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(SiteErrorController.class);

    /** What a 4xx page says when the error carries no message of its own. */
    private static final Map<Integer, String> PAGE_MESSAGES = Map.of(
            400, "The address or the form data is malformed. Go back, reload the page and try again.",
            405, "This address does not take that kind of request.",
            406, "This address cannot answer in a form your browser asked for.",
            413, "The request is larger than the server accepts.",
            415, "The form was sent in a format this address does not take.");
    private static final String SERVER_FAULT = "Something went wrong on the server. Try again.";

    private final ErrorAttributes errorAttributes;

    SiteErrorController(ErrorAttributes errorAttributes) {
        this.errorAttributes = errorAttributes;
    }

    @RequestMapping("${server.error.path:/error}")
    Object error(HttpServletRequest request) {
        if (request.getDispatcherType() != DispatcherType.ERROR) { // asked for by its URL: no page is there
            log.debug("404 {}", request.getRequestURI());
            return page(HttpStatus.NOT_FOUND, null, request.getRequestURI());
        }
        HttpStatusCode status = status(request);
        // The original path; the method is lost: the container dispatches error pages as GET.
        String path = String.valueOf(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI));
        Throwable error = errorAttributes.getError(new ServletWebRequest(request));
        String reason = error == null ? givenReason(request) : null;
        if (status.is5xxServerError()) {
            log.error("{} {}", status.value(), path, error); // with its stack trace, when there is one
            return isOpenAi(path) ? openAiError(status, SERVER_FAULT)
                    : isApi(path) ? problem(status, SERVER_FAULT, path) : page(status, null, path);
        }
        String standardDetail = error instanceof ErrorResponse standard ? standard.getBody().getDetail() : null;
        Object why = reason != null && !reason.isBlank() ? reason : error;
        logRefusal(status, path, why);
        if (isOpenAi(path)) {
            return openAiError(status, firstOf(reason, standardDetail, PAGE_MESSAGES.get(status.value()),
                    "The request was refused."));
        }
        if (isApi(path)) {
            return problem(status, firstOf(reason, standardDetail, PAGE_MESSAGES.get(status.value()),
                    "The request was refused."), path);
        }
        return page(status, firstOf(reason, PAGE_MESSAGES.get(status.value()), standardDetail), path);
    }

    /** A 404 at DEBUG (a mistyped or stale link is no server problem), any other 4xx at WARN. */
    private static void logRefusal(HttpStatusCode status, String path, Object why) {
        boolean noReason = why == null || why.toString().isBlank() || why.toString().equals("{}");
        String text = noReason ? status.value() + " " + path : status.value() + " " + path + ": " + why;
        if (status.value() == HttpStatus.NOT_FOUND.value()) {
            log.debug(text);
        } else {
            log.warn(text);
        }
    }

    /** Paths of the JSON APIs: {@code /api}, {@code /api/…} and {@code /api;…}. */
    static boolean isApi(String path) {
        String p = path.replaceFirst("^/+", "/");
        return p.equals("/api") || p.startsWith("/api/") || p.startsWith("/api;");
    }

    /** Paths of the OpenAI-compatible endpoints: {@code /v1} and {@code /v1/…}. */
    static boolean isOpenAi(String path) {
        String p = path.replaceFirst("^/+", "/");
        return p.equals("/v1") || p.startsWith("/v1/");
    }

    /**
     * OpenAI's error body (docs/API.md, "OpenAI-compatible endpoints"):
     * {@code {"error": {"message", "type", "param": null, "code"}}}, with the code of the status
     * (an unknown path is {@code not_found}, a wrong method {@code method_not_allowed}, …).
     */
    private static ResponseEntity<Map<String, Object>> openAiError(HttpStatusCode status, String message) {
        String type = switch (status.value()) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            default -> status.is5xxServerError() ? "server_error" : "invalid_request_error";
        };
        String code = switch (status.value()) {
            case 400 -> "invalid_request";
            case 401 -> "invalid_api_key";
            case 403 -> "insufficient_scope";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 413 -> "request_too_large";
            case 415 -> "unsupported_media_type";
            case 429 -> "rate_limit_exceeded";
            default -> status.is5xxServerError() ? "server_error" : "invalid_request";
        };
        Map<String, Object> error = new java.util.LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", null);
        error.put("code", code);
        // The content type is set, so the answer is JSON whatever the client's Accept header says.
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(Map.of("error", error));
    }

    /**
     * The public API's problem type (docs/API.md, "Errors") for an error no controller answered
     * under {@code /api/v1/}: an unknown path, a method or media type the endpoint does not take, a
     * URL the firewall refused. Empty elsewhere (the type stays {@code about:blank}).
     */
    static java.util.Optional<URI> publicApiType(String path, int status) {
        if (!path.replaceFirst("^/+", "/").startsWith("/api/v1/")) {
            return java.util.Optional.empty();
        }
        String slug = switch (status) {
            case 400 -> "malformed-request";
            case 401 -> "unauthenticated";
            case 403 -> "insufficient-scope";
            case 404 -> "not-found";
            case 405, 406, 415 -> "unsupported";
            case 413 -> "body-too-large";
            case 429 -> "rate-limited";
            default -> status >= 500 ? "server-error" : null;
        };
        return java.util.Optional.ofNullable(slug).map(s -> URI.create("/api/v1/problems/" + s));
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatusCode status, String detail, String path) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        publicApiType(path, status.value()).ifPresent(problem::setType);
        problem.setProperty("retryable", status.is5xxServerError() || status.value() == HttpStatus.TOO_MANY_REQUESTS.value());
        try {
            problem.setInstance(URI.create(path));
        } catch (IllegalArgumentException e) {
            // a path the firewall refused need not be a valid URI reference; the problem goes without it
        }
        // The content type is set, so the answer is JSON whatever the client's Accept header says.
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    private static ModelAndView page(HttpStatusCode status, String message, String path) {
        ModelAndView page = new ModelAndView(status.value() == 404 ? "error/404" : "error", status);
        page.addObject("status", status.value());
        page.addObject("path", path);
        page.addObject("message", message != null ? message : PAGE_MESSAGES.get(status.value()));
        return page;
    }

    private static HttpStatusCode status(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        return code instanceof Integer value && value >= 400 && value < 600
                ? HttpStatusCode.valueOf(value) : HttpStatus.INTERNAL_SERVER_ERROR;
    }

    /**
     * The reason given with {@code sendError(status, reason)} by the code that refused the request
     * (the firewall's handler in {@link PageSecurity}, {@link NulCharacterFilter}); null when none.
     * Used only when no exception was recorded, so the container's own messages never reach a page.
     */
    private static String givenReason(HttpServletRequest request) {
        Object reason = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        return reason instanceof String text && !text.isBlank() ? text : null;
    }

    private static String firstOf(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null) {
                return candidate;
            }
        }
        return null;
    }
}
