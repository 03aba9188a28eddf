package org.text2image.server.payments;

import java.util.List;
import java.util.Optional;

/**
 * The credit packs on sale, read once at start-up from the packs file ({@link PacksLoader}).
 *
 * @param file the packs file they came from, for messages
 * @param all in the file's order; empty when the file does not exist (nothing is on sale)
 */
public record Packs(String file, List<Pack> all) {

    /** Most credits one pack may grant. */
    public static final long MAX_CREDITS = 10_000_000;

    public Packs {
        all = List.copyOf(all);
    }

    /** The pack with this id; empty for an unknown, blank or null id. */
    public Optional<Pack> find(String id) {
        return id == null ? Optional.empty() : all.stream().filter(pack -> pack.id().equals(id)).findFirst();
    }
}
