package org.text2image.server.generation.queue;

import org.text2image.server.generation.JobStatus;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.credits.HoldStatus;
import org.text2image.server.credits.JobHolds;

/**
 * The jobs' side of the ledger's invariant check ({@link JobHolds}): each job's hold and the state
 * its status requires — a job that may still run keeps its hold open, a succeeded job has it
 * captured, a failed or cancelled job released.
 */
@Component
class JobHoldsOfJobs implements JobHolds {

    private final JdbcClient jdbc;

    JobHoldsOfJobs(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    @Transactional(readOnly = true)
    public List<JobHold> all() {
        return jdbc.sql("SELECT id, status, hold_id, price_credits FROM generation_job")
                .query((rs, n) -> {
                    JobStatus status = JobStatus.valueOf(rs.getString("status"));
                    return new JobHold(rs.getObject("id", UUID.class), status.name(), rs.getLong("hold_id"),
                            rs.getLong("price_credits"), expectedHold(status));
                })
                .list();
    }

    /** The hold state a job of this status must have. */
    static HoldStatus expectedHold(JobStatus status) {
        return switch (status) {
            case QUEUED, RUNNING -> HoldStatus.OPEN;
            case SUCCEEDED -> HoldStatus.CAPTURED;
            case FAILED, CANCELLED -> HoldStatus.RELEASED;
        };
    }
}
