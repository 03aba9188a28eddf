package org.text2image.server.api;

/**
 * A key just created: the only time the key itself is known to the server.
 *
 * @param key the stored view
 * @param secret the whole key, {@code t2i_} + 43 Base64url characters (256 random bits), for the
 *     {@code Authorization: Bearer} header
 */
public record NewApiKey(ApiKey key, String secret) {
}
