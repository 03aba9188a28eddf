package org.text2image.server.training;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL for {@code lora_training}. Every state change is one conditional UPDATE fenced on status and
 * attempt; the statements that end a training FAILED or CANCELLED set {@code allowance_returned_at}
 * themselves, so the allowance comes back exactly once.
 */
@Repository
class TrainingRows {

    /** PostgreSQL channel notified when a training becomes QUEUED, so waiting claims look again. */
    static final String QUEUED_CHANNEL = "lora_training_queued";

    static final String COLUMNS = """
            t.id, t.user_id, t.dataset_id, t.name, t.trigger_word, t.base_model_id, t.checkpoint, t.steps, t.lora_rank,
            t.learning_rate, t.resolution, t.status, t.attempt, t.max_attempts, t.handbacks, t.worker_name,
            t.attempt_started_at, t.attempt_deadline_at, t.lease_confirmed, t.progress_step, t.progress_total,
            t.cancel_requested, t.last_error, t.created_at, t.finished_at,
            (SELECT m.id FROM lora_model m WHERE m.training_id = t.id AND m.deleted_at IS NULL) AS lora_id""";

    private final JdbcClient jdbc;

    TrainingRows(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A row with what the queue needs beside the view: the attempt's deadline and whether its claim was confirmed. */
    record Locked(Training training, Instant deadline, boolean leaseConfirmed) {
    }

    Optional<Training> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM lora_training t WHERE t.id = ?").params(id)
                .query(TrainingRows::map).optional();
    }

    Optional<Locked> lock(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM lora_training t WHERE t.id = ? FOR UPDATE").params(id)
                .query(TrainingRows::locked).optional();
    }

    /** Wakes the waiting claims of every server instance when the transaction commits. */
    void notifyQueued() {
        jdbc.sql("SELECT pg_notify(?, '')").params(QUEUED_CHANNEL).query(Object.class).list();
    }

    boolean anyQueued() {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM lora_training WHERE status = 'QUEUED')").query(Boolean.class).single();
    }

    /** Leases the oldest queued training whose checkpoint the worker lists (FOR UPDATE SKIP LOCKED). */
    Optional<Locked> leaseNext(String worker, List<String> checkpoints, Instant now, Instant lease, Instant deadline) {
        return jdbc.sql("""
                        WITH candidate AS (
                            SELECT id FROM lora_training
                            WHERE status = 'QUEUED' AND checkpoint = ANY (CAST(:checkpoints AS text[]))
                            ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
                        )
                        UPDATE lora_training t SET status = 'RUNNING', attempt = attempt + 1, worker_name = :worker,
                            lease_expires_at = :lease, lease_confirmed = false, attempt_deadline_at = :deadline,
                            attempt_started_at = :now, progress_step = 0, progress_total = 0
                        FROM candidate WHERE t.id = candidate.id
                        RETURNING\s""" + COLUMNS)
                .param("checkpoints", checkpoints.toArray(String[]::new)).param("worker", worker)
                .param("lease", ts(lease)).param("deadline", ts(deadline)).param("now", ts(now))
                .query(TrainingRows::locked).optional();
    }

    /**
     * Extends the lease of a current attempt leased to {@code worker} (any worker when null) and
     * records its progress.
     *
     * @return the holding worker and whether the user asked to cancel, or empty when fenced out
     */
    Optional<TrainingQueue.Heartbeat> extendLease(UUID id, int attempt, String worker, Instant now, Instant lease, int step, int total) {
        return jdbc.sql("""
                        UPDATE lora_training SET lease_expires_at = :lease, lease_confirmed = true, progress_step = :step,
                            progress_total = :total
                        WHERE id = :id AND status = 'RUNNING' AND attempt = :attempt AND attempt_deadline_at > :now
                          AND (CAST(:worker AS text) IS NULL OR worker_name = :worker)
                        RETURNING worker_name, cancel_requested""")
                .param("lease", ts(lease)).param("step", step).param("total", total).param("id", id)
                .param("attempt", attempt).param("now", ts(now)).param("worker", worker)
                .query((rs, n) -> new TrainingQueue.Heartbeat(rs.getString("worker_name"), rs.getBoolean("cancel_requested")))
                .optional();
    }

    boolean markSucceeded(UUID id, int attempt, Instant now) {
        return jdbc.sql("""
                        UPDATE lora_training SET status = 'SUCCEEDED', finished_at = :now, lease_expires_at = NULL,
                            attempt_deadline_at = NULL, progress_step = GREATEST(progress_total, steps),
                            progress_total = GREATEST(progress_total, steps), last_error = NULL
                        WHERE id = :id AND status = 'RUNNING' AND attempt = :attempt""")
                .param("now", ts(now)).param("id", id).param("attempt", attempt).update() == 1;
    }

    boolean requeue(UUID id, int attempt, String error) {
        return jdbc.sql("""
                        UPDATE lora_training SET status = 'QUEUED', worker_name = NULL, lease_expires_at = NULL,
                            attempt_deadline_at = NULL, progress_step = 0, progress_total = 0, last_error = :error
                        WHERE id = :id AND status = 'RUNNING' AND attempt = :attempt""")
                .param("error", error).param("id", id).param("attempt", attempt).update() == 1;
    }

    boolean handBack(UUID id, int attempt) {
        return jdbc.sql("""
                        UPDATE lora_training SET status = 'QUEUED', handbacks = handbacks + 1, worker_name = NULL,
                            lease_expires_at = NULL, attempt_deadline_at = NULL, progress_step = 0, progress_total = 0
                        WHERE id = :id AND status = 'RUNNING' AND attempt = :attempt""")
                .param("id", id).param("attempt", attempt).update() == 1;
    }

    /**
     * Ends a running attempt FAILED or CANCELLED and gives the allowance back, in one statement.
     *
     * @param status {@code FAILED} or {@code CANCELLED}
     */
    boolean end(UUID id, int attempt, TrainingStatus status, String error, Instant now) {
        return jdbc.sql("""
                        UPDATE lora_training SET status = :status, worker_name = NULL, lease_expires_at = NULL,
                            attempt_deadline_at = NULL, last_error = :error, finished_at = :now,
                            allowance_returned_at = :now
                        WHERE id = :id AND status = 'RUNNING' AND attempt = :attempt""")
                .param("status", status.name()).param("error", error).param("now", ts(now)).param("id", id)
                .param("attempt", attempt).update() == 1;
    }

    /** Cancels the user's queued training, giving the allowance back; false when it is not queued (or not theirs). */
    boolean cancelQueued(UUID id, long userId, Instant now) {
        return jdbc.sql("""
                        UPDATE lora_training SET status = 'CANCELLED', finished_at = :now, allowance_returned_at = :now,
                            last_error = 'Cancelled by you.'
                        WHERE id = :id AND user_id = :user AND status = 'QUEUED'""")
                .param("now", ts(now)).param("id", id).param("user", userId).update() == 1;
    }

    /** Marks the user's running training for cancelling; false when it is not running (or not theirs). */
    boolean requestCancel(UUID id, long userId) {
        return jdbc.sql("UPDATE lora_training SET cancel_requested = true WHERE id = ? AND user_id = ? AND status = 'RUNNING'")
                .params(id, userId).update() == 1;
    }

    /** Running attempts whose lease expired or whose deadline passed, locked for the caller. */
    List<Locked> lockOverdue(Instant now, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + """
                         FROM lora_training t
                        WHERE t.status = 'RUNNING' AND (t.lease_expires_at <= :now OR t.attempt_deadline_at <= :now)
                        ORDER BY t.lease_expires_at LIMIT :limit FOR UPDATE OF t SKIP LOCKED""")
                .param("now", ts(now)).param("limit", limit).query(TrainingRows::locked).list();
    }

    static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    static Training map(ResultSet rs, int row) throws SQLException {
        return new Training(rs.getObject("id", UUID.class), rs.getLong("user_id"), rs.getObject("dataset_id", UUID.class),
                rs.getString("name"), rs.getString("trigger_word"), rs.getString("base_model_id"), rs.getString("checkpoint"),
                rs.getInt("steps"), rs.getInt("lora_rank"), rs.getDouble("learning_rate"), rs.getInt("resolution"),
                TrainingStatus.valueOf(rs.getString("status")), rs.getInt("attempt"), rs.getInt("max_attempts"),
                rs.getInt("handbacks"), rs.getString("worker_name"), instant(rs, "attempt_started_at"),
                rs.getInt("progress_step"), rs.getInt("progress_total"), rs.getBoolean("cancel_requested"),
                rs.getString("last_error"), instant(rs, "created_at"), instant(rs, "finished_at"),
                rs.getObject("lora_id", UUID.class));
    }

    private static Locked locked(ResultSet rs, int row) throws SQLException {
        return new Locked(map(rs, row), instant(rs, "attempt_deadline_at"), rs.getBoolean("lease_confirmed"));
    }
}
