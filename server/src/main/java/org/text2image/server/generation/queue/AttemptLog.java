package org.text2image.server.generation.queue;

import java.util.List;
import java.util.Optional;
import java.time.Instant;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.text2image.server.generation.AttemptRecord;

/**
 * The {@code generation_attempt} table (migration V21): every attempt of a job, for the admin's job
 * page. {@code generation_job} holds only the current attempt; this row is written in the same
 * transaction that leases or ends an attempt, with the clock's time, so it commits or rolls back
 * with the job's change.
 */
@Repository
public class AttemptLog {

    /** Longest error kept, in characters. */
    static final int MAX_ERROR = 2000;

    private final JdbcClient jdbc;

    AttemptLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** An attempt was leased to {@code workerName} at {@code at}. */
    public void started(UUID jobId, int attempt, String workerName, Instant at) {
        jdbc.sql("""
                INSERT INTO generation_attempt (job_id, attempt, worker_name, started_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (job_id, attempt) DO NOTHING""")
                .params(jobId, attempt, workerName, JobRepository.ts(at)).update();
    }

    /**
     * The attempt ended (once: a later call for an ended attempt changes nothing).
     *
     * @param outcome {@code SUCCEEDED}, {@code RETRIED}, {@code FAILED}, {@code HANDED_BACK} or {@code CANCELLED}
     * @param error why it did not succeed, or null
     * @return when the attempt started (for its run time), or empty when it was not open
     */
    public Optional<Instant> ended(UUID jobId, int attempt, String outcome, String error, Instant at) {
        String cut = error == null || error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR);
        return jdbc.sql("""
                UPDATE generation_attempt SET ended_at = ?, outcome = ?, error = ?
                WHERE job_id = ? AND attempt = ? AND ended_at IS NULL RETURNING started_at""")
                .params(JobRepository.ts(at), outcome, cut, jobId, attempt)
                .query((rs, n) -> JobRow.instant(rs, "started_at")).optional();
    }

    /** The job's attempts, first first. */
    public List<AttemptRecord> of(UUID jobId) {
        return jdbc.sql("""
                SELECT attempt, worker_name, started_at, ended_at, outcome, error FROM generation_attempt
                WHERE job_id = ? ORDER BY attempt""")
                .params(jobId)
                .query((rs, n) -> new AttemptRecord(rs.getInt("attempt"), rs.getString("worker_name"),
                        JobRow.instant(rs, "started_at"), JobRow.instant(rs, "ended_at"), rs.getString("outcome"),
                        rs.getString("error")))
                .list();
    }
}
