package org.text2image.server.api.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes an error of the API from a filter (before any controller): RFC 9457 problem details under
 * {@code /api/v1/}, and OpenAI's error shape ({@code {"error": {"message", "type", "param", "code"}}})
 * under {@code /v1/}, the OpenAI-compatible paths.
 */
final class ApiErrorWriter {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ApiErrorWriter() {
    }

    /** Whether {@code request} is on an OpenAI-compatible path ({@code /v1} or {@code /v1/…}). */
    static boolean openAiPath(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.equals("/v1") || path.startsWith("/v1/");
    }

    /**
     * Writes the error.
     *
     * @param type the problem type of {@link org.text2image.server.api.ApiProblems}
     * @param openAiCode OpenAI's {@code code}, such as {@code invalid_api_key}
     */
    static void write(HttpServletRequest request, HttpServletResponse response, int status, URI type, String detail,
                      String openAiCode) throws IOException {
        response.setStatus(status);
        Map<String, Object> body = new LinkedHashMap<>();
        if (openAiPath(request)) {
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("message", detail);
            error.put("type", status == 429 ? "rate_limit_error"
                    : status == 401 ? "authentication_error"
                    : status == 403 ? "permission_error" : "invalid_request_error");
            error.put("param", null);
            error.put("code", openAiCode);
            body.put("error", error);
        } else {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            body.put("type", type.toString());
            body.put("title", org.springframework.http.HttpStatus.valueOf(status).getReasonPhrase());
            body.put("status", status);
            body.put("detail", detail);
            body.put("instance", request.getRequestURI());
            body.put("retryable", status == 429);
        }
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(JSON.writeValueAsString(body));
    }
}
