package org.text2image.server.generation;

import java.time.Instant;
import java.util.List;

/**
 * What the admin's job search asks for; every criterion may be absent (null) and they combine
 * with AND.
 *
 * @param userIds jobs of these users only (the accounts whose email matched); null: any user
 * @param status jobs in this state only, or null
 * @param modelId jobs of this model only, or null
 * @param from jobs submitted at or after this instant, or null
 * @param to jobs submitted before this instant, or null
 * @param error failed jobs with exactly this last error (a dashboard failure reason), or null
 * @param page 0-based page number, ≥ 0
 * @param size jobs per page, 1 … {@value #MAX_SIZE}
 */
public record JobSearch(List<Long> userIds, JobStatus status, String modelId, Instant from, Instant to, String error,
                        int page, int size) {

    /** Most jobs on one page. */
    public static final int MAX_SIZE = 200;

    /** @throws IllegalArgumentException for a negative page or a size outside 1 … {@value #MAX_SIZE} */
    public JobSearch {
        if (page < 0 || size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("page must be ≥ 0 and size 1-" + MAX_SIZE);
        }
        userIds = userIds == null ? null : List.copyOf(userIds);
    }
}
