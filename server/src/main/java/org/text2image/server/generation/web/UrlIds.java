package org.text2image.server.generation.web;

import java.util.Optional;
import java.util.UUID;

/** Ids from URLs: a malformed id is simply "not found", like another user's id. */
final class UrlIds {

    private UrlIds() {
    }

    static Optional<UUID> parse(String id) {
        try {
            return id == null || id.length() != 36 ? Optional.empty() : Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
