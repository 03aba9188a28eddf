package org.text2image.server.api.openai;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code text2image.api.*} keys of the OpenAI-compatible endpoints (docs/API.md, "OpenAI-compatible
 * endpoints").
 *
 * @param openaiWait how long {@code POST /v1/images/generations} waits for its job to end before it
 *     answers {@code 202} with the job's id and address instead (default 120 s; 1 s to 10 min). The
 *     wait holds no servlet thread: the request is asynchronous while the job runs
 */
@ConfigurationProperties("text2image.api")
public record OpenAiProperties(Duration openaiWait) {

    /** The default {@code openai-wait}. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(120);
    /** The longest {@code openai-wait}: OpenAI's SDKs give up on a request after 10 minutes by default. */
    public static final Duration MAX_WAIT = Duration.ofMinutes(10);

    public OpenAiProperties {
        openaiWait = openaiWait == null ? DEFAULT_WAIT : openaiWait;
        if (openaiWait.compareTo(Duration.ofSeconds(1)) < 0 || openaiWait.compareTo(MAX_WAIT) > 0) {
            throw new IllegalArgumentException("text2image.api.openai-wait must be between 1s and 10m, not " + openaiWait);
        }
    }
}
