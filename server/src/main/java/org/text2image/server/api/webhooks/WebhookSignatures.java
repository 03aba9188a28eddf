package org.text2image.server.api.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Standard Webhooks 1.0 symmetric signature scheme (https://www.standardwebhooks.com, spec
 * section "Verifying webhook authenticity"):
 * <ul>
 *   <li>the secret is {@code whsec_} followed by the standard Base64 of 24 to 64 random bytes (the
 *       spec asks for at least 24); ours has 32 bytes from {@link SecureRandom};</li>
 *   <li>the signed content is {@code {webhook-id}.{webhook-timestamp}.{body}}: the message id, the
 *       attempt's Unix time in seconds, and the exact body bytes, joined with full stops;</li>
 *   <li>the signature is HMAC-SHA256 (RFC 2104, FIPS 180-4) keyed with the Base64-decoded secret
 *       (the part after {@code whsec_}), sent in the {@code webhook-signature} header as {@code v1,}
 *       followed by its standard Base64 (with padding). The header may list several signatures,
 *       space-delimited (for rotation); we send one.</li>
 * </ul>
 * Message ids are {@code msg_} followed by 22 Base64url characters (16 random bytes): no full
 * stop, as the spec requires of the id.
 */
final class WebhookSignatures {

    /** What every signing secret starts with. */
    static final String SECRET_PREFIX = "whsec_";
    /** What every message id starts with. */
    static final String MSG_ID_PREFIX = "msg_";
    private static final int SECRET_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSignatures() {
    }

    /** A new signing secret: {@code whsec_} + Base64 of 32 random bytes (50 characters). */
    static String newSecret() {
        byte[] key = new byte[SECRET_BYTES];
        RANDOM.nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** A new message id: {@code msg_} + 22 Base64url characters. */
    static String newMessageId() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return MSG_ID_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }

    /**
     * The {@code webhook-signature} header's value for one attempt.
     *
     * @param secret {@code whsec_…}
     * @param messageId the {@code webhook-id} header's value
     * @param timestamp the {@code webhook-timestamp} header's value, Unix seconds
     * @param body the exact body sent
     * @return {@code v1,} + Base64(HMAC-SHA256(key, id + "." + timestamp + "." + body))
     * @throws IllegalArgumentException when the secret is not {@code whsec_} + Base64
     */
    static String sign(String secret, String messageId, long timestamp, String body) {
        if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
            throw new IllegalArgumentException("A signing secret starts with " + SECRET_PREFIX);
        }
        byte[] key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] signature = mac.doFinal((messageId + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(signature);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
