package org.text2image.server.workers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The worker API's bearer token: configured, or random per start. Compared in constant time. */
@Component
public class WorkerToken {

    private static final Logger log = LoggerFactory.getLogger(WorkerToken.class);

    private final String token;

    WorkerToken(WorkersProperties properties) {
        if (properties.token() == null || properties.token().isBlank()) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            log.info("No text2image.workers.token set: only the embedded worker can connect");
        } else {
            this.token = properties.token().strip();
        }
    }

    /** The token, for the embedded worker. */
    public String value() {
        return token;
    }

    /** Whether a presented token is the right one. */
    boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(
                token.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }
}
