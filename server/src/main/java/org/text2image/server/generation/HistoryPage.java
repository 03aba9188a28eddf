package org.text2image.server.generation;

import java.util.List;

/**
 * One page of a user's jobs, newest first.
 *
 * @param page 0-based page index
 * @param size jobs per page
 * @param total the user's jobs in all
 */
public record HistoryPage(List<JobView> jobs, int page, int size, long total) {

    public boolean hasPrevious() {
        return page > 0;
    }

    public boolean hasNext() {
        return (long) (page + 1) * size < total;
    }

    public long pages() {
        return Math.max(1, (total + size - 1) / size);
    }
}
