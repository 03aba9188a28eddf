package org.text2image.server.generation;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs {@link JobQueue#reapOverdue()} every {@code text2image.generation.reaper-interval}. Every
 * server instance runs it; {@code FOR UPDATE SKIP LOCKED} keeps them from touching the same row.
 */
@Component
class OverdueAttemptReaper {

    private final JobQueue queue;

    OverdueAttemptReaper(JobQueue queue) {
        this.queue = queue;
    }

    @Scheduled(fixedDelayString = "${text2image.generation.reaper-interval:5s}")
    void reap() {
        while (queue.reapOverdue() == 100) {
            // A full batch: more may be waiting.
        }
    }
}
