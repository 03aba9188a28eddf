package org.text2image.server.generation.web;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code text2image.images.*}: the signed image URLs that pages put in their {@code <img>} tags.
 *
 * @param signingKey the HMAC-SHA256 key, at least 32 characters; unset: a random key made once
 *     and kept in PostgreSQL ({@code image_url_key}), the same for every instance and across
 *     restarts
 * @param signedUrlTtl how long a signed URL works at most (default 1 h, at least 2 s); a page
 *     signs URLs that work for at least half of it
 */
@ConfigurationProperties("text2image.images")
public record SignedImageProperties(String signingKey, Duration signedUrlTtl) {

    public SignedImageProperties {
        signedUrlTtl = signedUrlTtl == null ? Duration.ofHours(1) : signedUrlTtl;
        if (signedUrlTtl.toSeconds() < 2) {
            throw new IllegalArgumentException("text2image.images.signed-url-ttl must be at least 2s, not " + signedUrlTtl);
        }
        if (signingKey != null && !signingKey.isBlank() && signingKey.length() < 32) {
            throw new IllegalArgumentException("text2image.images.signing-key must have at least 32 characters");
        }
    }
}
