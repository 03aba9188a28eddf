package org.text2image.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * One answer of the worker API, read whole (at most {@link WorkerApiClient#MAX_ANSWER_BYTES}) and
 * judged: 200 (or 204 where the call has no body to answer) is fine; 401/403 →
 * {@link WorkerAuthException}; 409 → {@link StaleAttemptException}; 5xx →
 * {@link WorkerApiUnavailableException}; anything else → {@link WorkerApiException}, each with the
 * problem detail's text (RFC 9457).
 *
 * @param status the HTTP status
 * @param body the body, empty for none
 */
record ApiAnswer(int status, byte[] body) {

    /**
     * Reads {@code response}'s body.
     *
     * @param what the call, such as {@code POST http://.../claim}, for the error message
     * @throws WorkerApiException when the body is longer than the limit
     * @throws UncheckedIOException when it cannot be read
     */
    static ApiAnswer of(String what, HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            byte[] body = in.readNBytes(WorkerApiClient.MAX_ANSWER_BYTES + 1);
            if (body.length > WorkerApiClient.MAX_ANSWER_BYTES) {
                throw new WorkerApiException(what + " answered more than " + WorkerApiClient.MAX_ANSWER_BYTES + " bytes");
            }
            return new ApiAnswer(response.statusCode(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The 200 answer's body read as {@code type}; {@code call} names the call in errors. */
    <T> T as(Class<T> type, String call) {
        byte[] ok = expectOk(call);
        try {
            return WorkerApiClient.JSON.readValue(ok, type);
        } catch (JacksonException e) {
            throw new WorkerApiException(call + " answered a body that is not a " + type.getSimpleName()
                    + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Throws unless the answer is 204 or 200. */
    void expectDone(String call) {
        if (status != 204) {
            expectOk(call);
        }
    }

    private byte[] expectOk(String call) {
        if (status == 200) {
            return body;
        }
        String detail = call + " answered HTTP " + status + problem();
        throw switch (status) {
            case 401, 403 -> new WorkerAuthException(detail + " (is the worker token right?)");
            case 409 -> new StaleAttemptException(detail);
            default -> status >= 500 ? new WorkerApiUnavailableException(detail) : new WorkerApiException(detail);
        };
    }

    /** The problem detail's {@code detail} (or {@code title}), RFC 9457, else the start of the body. */
    private String problem() {
        if (body.length == 0) {
            return "";
        }
        try {
            JsonNode problem = WorkerApiClient.JSON.readTree(body);
            String text = problem.path("detail").asString(problem.path("title").asString(""));
            if (!text.isBlank()) {
                return ": " + text;
            }
        } catch (JacksonException e) {
            // not a problem document; fall through to the raw text
        }
        return ": " + new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
    }
}
