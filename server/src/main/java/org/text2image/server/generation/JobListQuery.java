package org.text2image.server.generation;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * Which of a user's jobs to list, newest first, one page at a time by keyset: the jobs created
 * strictly before {@code (beforeCreatedAt, beforeId)} in the order (created_at DESC, id DESC).
 *
 * @param statuses only jobs in one of these states; empty for all
 * @param modelId only jobs of this model; null for all
 * @param createdFrom only jobs created at or after this instant; null for no bound
 * @param beforeCreatedAt with {@code beforeId}, the last job of the previous page; null for the first page
 * @param beforeId the last job's id of the previous page; null for the first page
 * @param limit 1 … {@value GenerationService#MAX_PAGE_SIZE} + 1 (a caller reads one more job than
 *     it shows, to know whether there is a next page)
 */
public record JobListQuery(Set<JobStatus> statuses, String modelId, Instant createdFrom, Instant beforeCreatedAt,
                           UUID beforeId, int limit) {

    public JobListQuery {
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
        if ((beforeCreatedAt == null) != (beforeId == null)) {
            throw new IllegalArgumentException("a page position needs both the creation time and the id");
        }
        if (limit < 1 || limit > GenerationService.MAX_PAGE_SIZE + 1) {
            throw new IllegalArgumentException("limit must be 1 … " + (GenerationService.MAX_PAGE_SIZE + 1) + ", not "
                    + limit);
        }
    }
}
