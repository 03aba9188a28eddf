package org.text2image.server.generation.queue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.text2image.server.generation.GenerationProperties;

/**
 * Picks the job a claiming worker gets, and leases it. The whole rule is this one SQL statement
 * (docs/JOBS_AND_CREDITS.md, "Which job a worker gets"); among the QUEUED jobs:
 *
 * <ol>
 *   <li><b>Capability</b> (a filter): the job's checkpoint is one the worker listed — the list is
 *       what it can run, so a worker that lists none gets only jobs without a checkpoint (a
 *       model-free graph), which suit every worker. A job made with a user's LoRA
 *       ({@code lora_id}) goes only to a worker that said it keeps LoRAs ({@code loras} in its claim).
 *   <li><b>Aging</b>: a job waiting longer than {@code text2image.generation.aging-threshold} goes
 *       before every other job, whatever its priority, oldest first — priority, fair share and
 *       affinity cannot hold it back, so every job starts within the aging threshold of a worker
 *       that can run it becoming free (once the aged jobs ahead of it have started).
 *   <li><b>Priority</b>: among the jobs not yet aged, higher first: the queue priority of the
 *       user's plan at submit, stored in {@code generation_job.priority} (standard 0, priority 1,
 *       fastest 2).
 *   <li><b>Fair share</b> between users: the user with the fewest RUNNING jobs first; then the
 *       user whose last claim is oldest (never served first); then the user whose oldest queued
 *       job is oldest. The middle key makes users take turns when one worker frees up at a time,
 *       which a running count alone cannot see: one user's 20 queued jobs never starve another's 1.
 *   <li><b>Model affinity</b>: among that user's jobs, those for the checkpoint this worker ran
 *       last (from its latest job in {@code generation_job}), so the worker need not load another
 *       model. Affinity never reorders users, so it costs other users nothing.
 *   <li><b>Age</b>: oldest first ({@code created_at}, then id).
 * </ol>
 *
 * <p>Concurrency: the candidate row is taken with {@code FOR UPDATE SKIP LOCKED} in the same
 * statement that leases it, so two concurrent claims never get the same job; a row another claim
 * has just leased is re-checked against {@code status = 'QUEUED'} and skipped. The fair-share
 * counts read a snapshot and may lag a concurrent claim by one job, which only affects order.
 */
@Component
class Dispatcher {

    private static final String LEASE_NEXT = """
            WITH affinity AS (
                SELECT checkpoint FROM generation_job
                WHERE worker_name = :worker AND attempt_started_at IS NOT NULL
                ORDER BY attempt_started_at DESC LIMIT 1
            ), candidate AS (
                SELECT j.id FROM generation_job j
                WHERE j.status = 'QUEUED'
                  AND (j.checkpoint = '' OR j.checkpoint = ANY (CAST(:checkpoints AS text[])))
                  AND (j.lora_id IS NULL OR :loras)
                ORDER BY
                    CASE WHEN j.created_at <= :agedBefore THEN j.created_at END ASC NULLS LAST,
                    j.priority DESC,
                    (SELECT count(*) FROM generation_job r WHERE r.user_id = j.user_id AND r.status = 'RUNNING'),
                    (SELECT max(s.attempt_started_at) FROM generation_job s
                      WHERE s.user_id = j.user_id AND s.attempt_started_at IS NOT NULL) ASC NULLS FIRST,
                    (SELECT min(q.created_at) FROM generation_job q WHERE q.user_id = j.user_id AND q.status = 'QUEUED'),
                    j.user_id,
                    COALESCE(j.checkpoint = (SELECT checkpoint FROM affinity), false) DESC,
                    j.created_at, j.id
                LIMIT 1
                FOR UPDATE OF j SKIP LOCKED
            )
            UPDATE generation_job SET status = 'RUNNING', attempt = attempt + 1, worker_name = :worker,
                lease_expires_at = :lease, lease_confirmed = false,
                attempt_deadline_at = COALESCE(CAST(:now AS timestamptz) + make_interval(secs => attempt_timeout_seconds),
                                               :deadline),
                attempt_started_at = :now, progress_step = 0, progress_total = 0,
                backend_unreachable = false
            WHERE id = (SELECT id FROM candidate)
            RETURNING\s""" + JobRow.COLUMNS;

    private final JdbcClient jdbc;
    private final GenerationProperties properties;

    Dispatcher(JdbcClient jdbc, GenerationProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /**
     * Leases the next job for a worker by the rule above: RUNNING, attempt + 1, lease and deadline set
     * (the job's own attempt timeout when it has one — a video model's — else {@code deadline}).
     *
     * @param checkpoints checkpoint file names the worker can load; it also gets jobs that need none
     * @param loras whether the worker keeps users' LoRAs: only then does it get jobs made with one
     * @return the leased job, or empty when no queued job suits the worker
     */
    Optional<JobRow> leaseNext(String workerName, List<String> checkpoints, boolean loras, Instant now,
                               Instant leaseUntil, Instant deadline) {
        return jdbc.sql(LEASE_NEXT)
                .param("worker", workerName).param("checkpoints", checkpoints.toArray(String[]::new))
                .param("loras", loras)
                .param("agedBefore", JobRepository.ts(now.minus(properties.agingThreshold())))
                .param("lease", JobRepository.ts(leaseUntil)).param("deadline", JobRepository.ts(deadline))
                .param("now", JobRepository.ts(now))
                .query(JobRow::map).optional();
    }
}
