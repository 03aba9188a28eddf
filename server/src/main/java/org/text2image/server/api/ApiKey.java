package org.text2image.server.api;

import java.time.Instant;
import java.util.Set;

/**
 * An API key as its owner sees it on the Developers page; never the key itself (only its hash is
 * kept).
 *
 * @param id the key's id
 * @param name the owner's label, 1 … {@value ApiKeys#MAX_NAME_LENGTH} characters
 * @param prefix the key's first characters, e.g. {@code t2i_Ab3dE6gH}, to tell keys apart
 * @param scopes at least one
 * @param callbackUrl where webhooks of the key's jobs go; null without a webhook
 * @param revokedAt null while the key works
 * @param lastUsedAt when a request last authenticated with it (updated at most once a minute); null if never
 * @param lastUsedIp the client IP of that request; null if never
 */
public record ApiKey(long id, String name, String prefix, Set<ApiScope> scopes, String callbackUrl, Instant createdAt,
                     Instant revokedAt, Instant lastUsedAt, String lastUsedIp) {

    /** Whether the key still authenticates. */
    public boolean active() {
        return revokedAt == null;
    }
}
