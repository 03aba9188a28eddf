package org.text2image.server.generation;

import java.util.UUID;

/**
 * One result image of a job, as the pages and API see it: served at {@code /images/{id}}.
 *
 * @param position 0-based place in the batch
 * @param contentType e.g. {@code image/png}
 */
public record JobImage(UUID id, int position, String contentType) {
}
