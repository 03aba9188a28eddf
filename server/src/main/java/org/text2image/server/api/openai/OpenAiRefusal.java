package org.text2image.server.api.openai;

import org.springframework.http.HttpStatus;

/**
 * A request of the OpenAI-compatible endpoints refused with one of OpenAI's errors ({@link OpenAiError});
 * nothing was written. {@link OpenAiExceptions} answers it.
 */
final class OpenAiRefusal extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final String code;
    private final String param;

    /**
     * @param status the HTTP status
     * @param type OpenAI's error type, such as {@code invalid_request_error}
     * @param code the stable code of docs/API.md, such as {@code invalid_size}
     * @param param the request field at fault; null when none is
     * @param message for people
     */
    OpenAiRefusal(HttpStatus status, String type, String code, String param, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
    }

    /** A 400 {@code invalid_request_error} about {@code param}. */
    static OpenAiRefusal invalid(String code, String param, String message) {
        return new OpenAiRefusal(HttpStatus.BAD_REQUEST, "invalid_request_error", code, param, message);
    }

    HttpStatus status() {
        return status;
    }

    String type() {
        return type;
    }

    String code() {
        return code;
    }

    String param() {
        return param;
    }
}
