package org.text2image.server.api;

import java.util.Locale;
import java.util.Optional;

/**
 * What an API key may do. {@link #READ}: the {@code GET} endpoints (jobs, images, balance, credit
 * history, models). {@link #GENERATE}: submitting and cancelling jobs. A key has at least one.
 */
public enum ApiScope {
    GENERATE, READ;

    /** The scope's name in the database, the Developers page and the docs: "generate" or "read". */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The scope named {@code key} ("generate" or "read", any case); empty for anything else. */
    public static Optional<ApiScope> parse(String key) {
        for (ApiScope scope : values()) {
            if (scope.key().equalsIgnoreCase(key == null ? "" : key.strip())) {
                return Optional.of(scope);
            }
        }
        return Optional.empty();
    }
}
