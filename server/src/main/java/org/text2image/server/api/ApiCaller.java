package org.text2image.server.api;

import java.util.Set;

/**
 * The principal of a request authenticated with an API key: whose key it is and what it may do.
 *
 * @param userId the key's owner
 * @param email the owner's sign-in name (rate limits per account share their buckets with the pages)
 * @param keyId the key's id
 * @param scopes the key's scopes
 */
public record ApiCaller(long userId, String email, long keyId, Set<ApiScope> scopes) {

    /** Whether the key has {@code scope}. */
    public boolean may(ApiScope scope) {
        return scopes.contains(scope);
    }
}
