package org.text2image.server.generation.queue;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.text2image.server.generation.JobParameters;
import org.text2image.server.generation.JobStatus;

/**
 * One {@code generation_job} row as stored. {@code attempt} is the fencing token (+1 per claim);
 * {@code handbacks} counts claims given back unrun, which do not use up an attempt;
 * {@code attemptTimeout} is a video model's own time limit per attempt, null for the site's.
 */
public record JobRow(UUID id, long userId, JobParameters parameters, long holdId, JobStatus status, int attempt,
              int maxAttempts, String workerName, Instant leaseExpiresAt, Instant attemptDeadlineAt,
              int progressStep, int progressTotal, String lastError, Instant createdAt, Instant finishedAt,
              int handbacks, boolean leaseConfirmed, boolean backendUnreachable, Duration attemptTimeout) {

    public static final String COLUMNS = """
            id, user_id, model_id, checkpoint, prompt, negative_prompt, width, height, batch_size, seed, steps,
            cfg_scale, sampler, scheduler, price_credits, hold_id, status, attempt, max_attempts, worker_name,
            lease_expires_at, attempt_deadline_at, progress_step, progress_total, last_error, created_at,
            finished_at, handbacks, lease_confirmed, backend_unreachable, frames, fps, input_image_id,
            attempt_timeout_seconds, lora_id, lora_strength""";

    /** Attempts that count against {@link #maxAttempts()}: claims minus those handed back unrun. */
    public int attemptsUsed() {
        return attempt - handbacks;
    }

    public static JobRow map(ResultSet rs, int rowNum) throws SQLException {
        JobParameters parameters = new JobParameters(rs.getString("model_id"), rs.getString("checkpoint"),
                rs.getString("prompt"), rs.getString("negative_prompt"), rs.getInt("width"), rs.getInt("height"),
                rs.getInt("batch_size"), rs.getLong("seed"), rs.getInt("steps"), rs.getDouble("cfg_scale"),
                rs.getString("sampler"), rs.getString("scheduler"), rs.getLong("price_credits"), video(rs), lora(rs));
        return new JobRow(rs.getObject("id", UUID.class), rs.getLong("user_id"), parameters, rs.getLong("hold_id"),
                JobStatus.valueOf(rs.getString("status")), rs.getInt("attempt"), rs.getInt("max_attempts"),
                rs.getString("worker_name"), instant(rs, "lease_expires_at"), instant(rs, "attempt_deadline_at"),
                rs.getInt("progress_step"), rs.getInt("progress_total"), rs.getString("last_error"),
                instant(rs, "created_at"), instant(rs, "finished_at"), rs.getInt("handbacks"),
                rs.getBoolean("lease_confirmed"), rs.getBoolean("backend_unreachable"),
                rs.getObject("attempt_timeout_seconds") == null ? null
                        : Duration.ofSeconds(rs.getInt("attempt_timeout_seconds")));
    }

    /** A video job's settings, or null for an image job (no frames). */
    private static JobParameters.Video video(ResultSet rs) throws SQLException {
        int frames = rs.getInt("frames");
        if (rs.wasNull()) {
            return null;
        }
        return new JobParameters.Video(frames, rs.getInt("fps"), rs.getObject("input_image_id", UUID.class));
    }

    /** The job's LoRA, or null for a job without one. */
    private static JobParameters.Lora lora(ResultSet rs) throws SQLException {
        UUID id = rs.getObject("lora_id", UUID.class);
        return id == null ? null : new JobParameters.Lora(id, rs.getDouble("lora_strength"));
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
