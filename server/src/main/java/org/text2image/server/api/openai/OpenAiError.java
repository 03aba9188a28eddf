package org.text2image.server.api.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * OpenAI's error body, {@code {"error": {"message", "type", "param", "code"}}}, as OpenAI's API
 * reference and SDKs define it: {@code param} and {@code code} are present and may be null. The
 * types used here: {@code invalid_request_error}, {@code authentication_error},
 * {@code permission_error}, {@code insufficient_quota}, {@code rate_limit_error},
 * {@code server_error}. docs/API.md lists every code with its status.
 *
 * @param error what went wrong
 */
record OpenAiError(@JsonProperty("error") Detail error) {

    /** The response header that tells OpenAI's (Stainless-generated) SDKs whether to retry a request. */
    static final String SHOULD_RETRY = "x-should-retry";

    /**
     * The error itself.
     *
     * @param message for people; clients switch on {@code code}
     * @param type the error's class
     * @param param the request field at fault, such as {@code size}; null when none is
     * @param code the stable code, such as {@code invalid_value}
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Detail(@JsonProperty("message") String message, @JsonProperty("type") String type,
                  @JsonProperty("param") String param, @JsonProperty("code") String code) {
    }

    /** The error as an answer; {@code retry} false adds {@code x-should-retry: false} (an SDK would only repeat it). */
    static ResponseEntity<Object> answer(HttpStatusCode status, String type, String code, String param, String message,
                                         boolean retry) {
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON);
        if (!retry) {
            answer.header(SHOULD_RETRY, "false");
        }
        return answer.body(new OpenAiError(new Detail(message, type, param, code)));
    }

    /** An error of the request ({@code invalid_request_error}, {@code permission_error}, …) that a retry would repeat. */
    static ResponseEntity<Object> refusal(HttpStatusCode status, String type, String code, String param,
                                          String message) {
        return answer(status, type, code, param, message, false);
    }
}
