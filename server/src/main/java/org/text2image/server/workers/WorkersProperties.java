package org.text2image.server.workers;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code text2image.workers.*}.
 *
 * @param token bearer token every worker sends ({@code T2I_WORKER_TOKEN}); when empty a random one
 *     is made at each start, which only the embedded worker knows
 */
@ConfigurationProperties("text2image.workers")
public record WorkersProperties(String token) {
}
