package org.text2image.server.generation.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.text2image.server.generation.GenerationProperties;
import org.text2image.server.generation.JobImage;
import org.text2image.server.generation.JobParameters;
import org.text2image.server.generation.JobPreview;
import org.text2image.server.generation.JobStatus;

/** SQL for jobs and their images. Every state change is a conditional UPDATE fenced on status and attempt. */
@Repository
public class JobRepository {

    private final JdbcClient jdbc;
    private final Clock clock;
    private final GenerationProperties properties;

    JobRepository(JdbcClient jdbc, Clock clock, GenerationProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.properties = properties;
    }

    /**
     * A new QUEUED job.
     *
     * @param priority the queue priority of the user's plan at submit: standard 0, priority 1, fastest 2
     *     ({@code Plan.QueuePriority} ordinal); higher is dispatched first ({@link Dispatcher})
     */
    public void insert(UUID id, long userId, JobParameters p, long holdId, int maxAttempts, int priority, Instant now) {
        insert(id, userId, p, holdId, maxAttempts, priority, null, now);
    }

    /**
     * {@link #insert(UUID, long, JobParameters, long, int, int, Instant)} with a video model's own
     * attempt timeout.
     *
     * @param attemptTimeout how long each attempt may run, or null for the site's attempt timeout
     */
    public void insert(UUID id, long userId, JobParameters p, long holdId, int maxAttempts, int priority,
                       Duration attemptTimeout, Instant now) {
        JobParameters.Video video = p.video();
        jdbc.sql("""
                INSERT INTO generation_job (id, user_id, model_id, checkpoint, prompt, negative_prompt, width, height,
                    batch_size, seed, steps, cfg_scale, sampler, scheduler, price_credits, hold_id, status, attempt,
                    max_attempts, priority, created_at, frames, fps, input_image_id, attempt_timeout_seconds, lora_id,
                    lora_strength)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'QUEUED', 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(id, userId, p.modelId(), p.checkpoint(), p.prompt(), p.negativePrompt(), p.width(), p.height(),
                        p.batchSize(), p.seed(), p.steps(), p.cfgScale(), p.sampler(), p.scheduler(), p.priceCredits(),
                        holdId, maxAttempts, priority, ts(now), video == null ? null : video.frames(),
                        video == null ? null : video.fps(), video == null ? null : video.inputImageId(),
                        attemptTimeout == null ? null : Math.toIntExact(attemptTimeout.toSeconds()),
                        p.hasLora() ? p.lora().id() : null, p.hasLora() ? p.lora().strength() : null)
                .update();
    }

    /**
     * The images (batch sizes) of the user's jobs on a model created in [{@code from}, {@code until})
     * that are QUEUED, RUNNING or SUCCEEDED: what a plan's weekly limit on the model counts. Failed
     * and cancelled jobs are not charged, so they do not count. Read through an index
     * ({@code generation_job_user (user_id, created_at DESC)} or
     * {@code generation_job_model_created (model_id, created_at)}), never a sequential scan.
     */
    public int imagesOnModel(long userId, String modelId, Instant from, Instant until) {
        return jdbc.sql("""
                SELECT COALESCE(sum(batch_size), 0) FROM generation_job
                WHERE user_id = ? AND created_at >= ? AND created_at < ? AND model_id = ?
                  AND status IN ('QUEUED', 'RUNNING', 'SUCCEEDED')""")
                .params(userId, ts(from), ts(until), modelId).query(Integer.class).single();
    }

    public Optional<JobRow> find(UUID id) {
        return jdbc.sql("SELECT " + JobRow.COLUMNS + " FROM generation_job WHERE id = ?").params(id)
                .query(JobRow::map).optional();
    }

    public Optional<JobRow> lock(UUID id) {
        return jdbc.sql("SELECT " + JobRow.COLUMNS + " FROM generation_job WHERE id = ? FOR UPDATE").params(id)
                .query(JobRow::map).optional();
    }

    /** Each worker holding RUNNING jobs → the one it started last. */
    public Map<String, UUID> runningJobByWorker() {
        Map<String, UUID> byWorker = new HashMap<>();
        jdbc.sql("""
                SELECT DISTINCT ON (worker_name) worker_name, id FROM generation_job
                WHERE status = 'RUNNING' AND worker_name IS NOT NULL
                ORDER BY worker_name, attempt_started_at DESC""")
                .query(rs -> {
                    byWorker.put(rs.getString("worker_name"), rs.getObject("id", UUID.class));
                });
        return byWorker;
    }

    public boolean anyQueued() {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM generation_job WHERE status = 'QUEUED')").query(Boolean.class).single();
    }

    /** Queued jobs of one model and priority: how many, and when the oldest was submitted. */
    public record QueuedGroup(String modelId, int priority, long jobs, Instant oldestCreatedAt) {
    }

    /**
     * The queue grouped by model and priority, for the metrics ({@link QueueMetrics}): reads only
     * the QUEUED rows, through the partial index {@code generation_job_queued}.
     */
    public List<QueuedGroup> queuedGroups() {
        return jdbc.sql("""
                SELECT model_id, priority, count(*) AS jobs, min(created_at) AS oldest FROM generation_job
                WHERE status = 'QUEUED' GROUP BY model_id, priority""")
                .query((rs, n) -> new QueuedGroup(rs.getString("model_id"), rs.getInt("priority"), rs.getLong("jobs"),
                        JobRow.instant(rs, "oldest")))
                .list();
    }

    /** Workers holding a RUNNING job, by the job's model (reads the RUNNING rows only). */
    public Map<String, Long> busyWorkersByModel() {
        Map<String, Long> busy = new HashMap<>();
        jdbc.sql("""
                SELECT model_id, count(DISTINCT worker_name) AS workers FROM generation_job
                WHERE status = 'RUNNING' AND worker_name IS NOT NULL GROUP BY model_id""")
                .query(rs -> {
                    busy.put(rs.getString("model_id"), rs.getLong("workers"));
                });
        return busy;
    }

    public int countActive(long userId) {
        return jdbc.sql("SELECT count(*) FROM generation_job WHERE user_id = ? AND status IN ('QUEUED', 'RUNNING')")
                .params(userId).query(Integer.class).single();
    }

    /**
     * Extends the lease of a current attempt leased to {@code worker} (any worker when null);
     * returns the holding worker's name, or empty when fenced out.
     */
    public Optional<String> extendLease(UUID id, int attempt, String worker, Instant now, Instant leaseUntil, int step,
                                        int total, boolean backendReachable) {
        return jdbc.sql("""
                UPDATE generation_job SET lease_expires_at = :lease, lease_confirmed = true, progress_step = :step,
                    progress_total = :total, backend_unreachable = NOT :reachable
                WHERE id = :id AND status = 'RUNNING' AND attempt = :attempt AND attempt_deadline_at > :now
                  AND (CAST(:worker AS text) IS NULL OR worker_name = :worker)
                RETURNING worker_name""")
                .param("worker", worker).param("reachable", backendReachable).param("lease", ts(leaseUntil)).param("step", step).param("total", total).param("id", id)
                .param("attempt", attempt).param("now", ts(now))
                .query(String.class).optional();
    }

    public boolean markSucceeded(UUID id, int attempt, Instant now) {
        return jdbc.sql("""
                UPDATE generation_job SET status = 'SUCCEEDED', finished_at = :now, lease_expires_at = NULL,
                    attempt_deadline_at = NULL, progress_step = progress_total
                WHERE id = :id AND status = 'RUNNING' AND attempt = :attempt""")
                .param("now", ts(now)).param("id", id).param("attempt", attempt).update() == 1;
    }

    public boolean requeue(UUID id, int attempt, String error) {
        return jdbc.sql("""
                UPDATE generation_job SET status = 'QUEUED', worker_name = NULL, lease_expires_at = NULL,
                    attempt_deadline_at = NULL, progress_step = 0, progress_total = 0, last_error = :error
                WHERE id = :id AND status = 'RUNNING' AND attempt = :attempt""")
                .param("error", error).param("id", id).param("attempt", attempt).update() == 1;
    }

    /** Back to the queue without using up an attempt: the claim never ran (hand-back, unconfirmed claim). */
    public boolean handBack(UUID id, int attempt) {
        return jdbc.sql("""
                UPDATE generation_job SET status = 'QUEUED', handbacks = handbacks + 1, worker_name = NULL,
                    lease_expires_at = NULL, attempt_deadline_at = NULL, progress_step = 0, progress_total = 0
                WHERE id = :id AND status = 'RUNNING' AND attempt = :attempt""")
                .param("id", id).param("attempt", attempt).update() == 1;
    }

    public boolean markFailed(UUID id, int attempt, String error, Instant now) {
        return jdbc.sql("""
                UPDATE generation_job SET status = 'FAILED', worker_name = NULL, lease_expires_at = NULL,
                    attempt_deadline_at = NULL, last_error = :error, finished_at = :now
                WHERE id = :id AND status = 'RUNNING' AND attempt = :attempt""")
                .param("error", error).param("now", ts(now)).param("id", id).param("attempt", attempt)
                .update() == 1;
    }

    /**
     * Cancels a queued or running job of the user. A running attempt loses its lease here; its
     * worker learns it at the next heartbeat (refused) and any later completion is stale.
     */
    public boolean markCancelled(UUID id, long userId, Instant now) {
        return markCancelled(id, userId, now, "Cancelled by you.");
    }

    /**
     * {@link #markCancelled(UUID, long, Instant)} with the message the job page shows. A running
     * attempt ends CANCELLED in {@code generation_attempt} too.
     */
    public boolean markCancelled(UUID id, long userId, Instant now, String message) {
        boolean cancelled = jdbc.sql("""
                UPDATE generation_job SET status = 'CANCELLED', finished_at = :now, last_error = :message,
                    worker_name = NULL, lease_expires_at = NULL, attempt_deadline_at = NULL
                WHERE id = :id AND user_id = :user AND status IN ('QUEUED', 'RUNNING')""")
                .param("now", ts(now)).param("message", message).param("id", id).param("user", userId).update() == 1;
        if (cancelled) { // only a running attempt has no end yet
            jdbc.sql("UPDATE generation_attempt SET ended_at = ?, outcome = 'CANCELLED', error = ? WHERE job_id = ? AND ended_at IS NULL")
                    .params(ts(now), message, id).update();
        }
        return cancelled;
    }

    /** The ids of the user's queued and running jobs, oldest first. */
    public List<UUID> activeIds(long userId) {
        return jdbc.sql("""
                SELECT id FROM generation_job WHERE user_id = :user AND status IN ('QUEUED', 'RUNNING')
                ORDER BY created_at, id""").param("user", userId).query(UUID.class).list();
    }

    /** Running attempts whose lease expired or whose deadline passed, locked for the caller. */
    public List<JobRow> lockOverdue(Instant now, int limit) {
        return jdbc.sql("SELECT " + JobRow.COLUMNS + """
                 FROM generation_job
                WHERE status = 'RUNNING' AND (lease_expires_at <= :now OR attempt_deadline_at <= :now)
                ORDER BY lease_expires_at LIMIT :limit FOR UPDATE SKIP LOCKED""")
                .param("now", ts(now)).param("limit", limit).query(JobRow::map).list();
    }

    /**
     * 1-based place in the queue, or 0 when the job is not queued: 1 + the queued jobs ahead of it in
     * the {@link Dispatcher}'s leading keys — first the jobs waiting past the aging threshold, oldest
     * first; then by priority (higher first), then age. The fair share, affinity and capability keys
     * are left out (they depend on which worker asks next), so this is the place in the plain order.
     */
    public int queuePosition(JobRow job) {
        if (job.status() != JobStatus.QUEUED) {
            return 0;
        }
        return 1 + jdbc.sql("""
                SELECT count(*) FROM generation_job q
                JOIN generation_job me ON me.id = :id
                WHERE q.status = 'QUEUED' AND CASE
                    WHEN q.created_at <= :agedBefore AND me.created_at > :agedBefore THEN true
                    WHEN q.created_at > :agedBefore AND me.created_at <= :agedBefore THEN false
                    WHEN q.created_at <= :agedBefore THEN q.created_at < me.created_at
                        OR (q.created_at = me.created_at AND (q.priority > me.priority
                            OR (q.priority = me.priority AND q.id < me.id)))
                    ELSE q.priority > me.priority
                        OR (q.priority = me.priority AND (q.created_at, q.id) < (me.created_at, me.id))
                    END""")
                .param("id", job.id()).param("agedBefore", ts(agedBefore())).query(Integer.class).single();
    }

    /**
     * {@link #queuePosition} of several queued jobs in one pass over the queue (a page of jobs),
     * by job id; ids of jobs that are not queued are absent.
     */
    public Map<UUID, Integer> queuePositions(Collection<UUID> queuedJobIds) {
        if (queuedJobIds.isEmpty()) {
            return Map.of();
        }
        Map<UUID, Integer> positions = new HashMap<>();
        jdbc.sql("""
                SELECT id, position FROM (
                    SELECT id, row_number() OVER (ORDER BY
                        CASE WHEN created_at <= :agedBefore THEN created_at END ASC NULLS LAST,
                        priority DESC, created_at, id) AS position
                    FROM generation_job WHERE status = 'QUEUED') queue
                WHERE id = ANY(:ids)""")
                .param("agedBefore", ts(agedBefore())).param("ids", queuedJobIds.toArray(UUID[]::new))
                .query(rs -> {
                    positions.put(rs.getObject("id", UUID.class), rs.getInt("position"));
                });
        return positions;
    }

    /** Jobs created at or before this instant are past the aging threshold now. */
    private Instant agedBefore() {
        return clock.instant().minus(properties.agingThreshold());
    }

    public List<JobRow> page(long userId, int offset, int limit) {
        return jdbc.sql("SELECT " + JobRow.COLUMNS
                        + " FROM generation_job WHERE user_id = ? ORDER BY created_at DESC, id DESC OFFSET ? LIMIT ?")
                .params(userId, offset, limit).query(JobRow::map).list();
    }

    /**
     * The content type of one of the user's own stored images ({@code image/png}, {@code image/jpeg},
     * or a video's), or empty when no image of that id belongs to a job of the user.
     */
    public Optional<String> ownImageType(long userId, UUID imageId) {
        return jdbc.sql("""
                SELECT i.content_type FROM job_image i JOIN generation_job j ON j.id = i.job_id
                WHERE i.id = ? AND j.user_id = ?""").params(imageId, userId).query(String.class).optional();
    }

    /** The content type of a stored image, or empty when it is gone. */
    public Optional<String> imageType(UUID imageId) {
        return jdbc.sql("SELECT content_type FROM job_image WHERE id = ?").params(imageId).query(String.class).optional();
    }

    /**
     * A page of the user's jobs by keyset, newest first ({@link org.text2image.server.generation.JobListQuery});
     * served by the index on (user_id, created_at DESC).
     */
    public List<JobRow> page(long userId, org.text2image.server.generation.JobListQuery query) {
        StringBuilder sql = new StringBuilder("SELECT " + JobRow.COLUMNS + " FROM generation_job WHERE user_id = ?");
        List<Object> params = new java.util.ArrayList<>(List.of(userId));
        if (!query.statuses().isEmpty()) {
            sql.append(" AND status = ANY (?)");
            params.add(query.statuses().stream().map(Enum::name).toArray(String[]::new));
        }
        if (query.modelId() != null) {
            sql.append(" AND model_id = ?");
            params.add(query.modelId());
        }
        if (query.createdFrom() != null) {
            sql.append(" AND created_at >= ?");
            params.add(ts(query.createdFrom()));
        }
        if (query.beforeCreatedAt() != null) {
            sql.append(" AND (created_at, id) < (?, ?)");
            params.add(ts(query.beforeCreatedAt()));
            params.add(query.beforeId());
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        params.add(query.limit());
        return jdbc.sql(sql.toString()).params(params).query(JobRow::map).list();
    }

    public long count(long userId) {
        return jdbc.sql("SELECT count(*) FROM generation_job WHERE user_id = ?").params(userId)
                .query(Long.class).single();
    }

    public void insertImage(UUID imageId, UUID jobId, int position, String key, String contentType, long size, Instant now) {
        jdbc.sql("""
                INSERT INTO job_image (id, job_id, position, storage_key, content_type, size_bytes, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")
                .params(imageId, jobId, position, key, contentType, size, ts(now)).update();
    }

    /**
     * Writes the row of a job's video ({@code content_type} {@code video/mp4} or {@code video/webm})
     * with its poster's key and size, or without a poster when {@code posterKey} is null.
     */
    public void insertVideo(UUID imageId, UUID jobId, String key, String contentType, long size, String posterKey,
                            Long posterSize, Instant now) {
        jdbc.sql("""
                INSERT INTO job_image (id, job_id, position, storage_key, content_type, size_bytes, poster_key,
                                       poster_size_bytes, created_at)
                VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?)""")
                .params(imageId, jobId, key, contentType, size, posterKey, posterSize, ts(now)).update();
    }

    /**
     * Keeps {@code image} as the job's preview if {@code attempt} is the running one, leased to
     * {@code worker} (any worker when null); false otherwise.
     */
    public boolean savePreview(UUID id, int attempt, String worker, String contentType, byte[] image, Instant now) {
        return jdbc.sql("""
                INSERT INTO job_preview (job_id, attempt, content_type, image, updated_at)
                SELECT id, attempt, :type, :image, :now FROM generation_job
                WHERE id = :id AND status = 'RUNNING' AND attempt = :attempt
                  AND (CAST(:worker AS text) IS NULL OR worker_name = :worker)
                ON CONFLICT (job_id) DO UPDATE SET attempt = EXCLUDED.attempt, content_type = EXCLUDED.content_type,
                    image = EXCLUDED.image, updated_at = EXCLUDED.updated_at""")
                .param("worker", worker).param("type", contentType).param("image", image).param("now", ts(now)).param("id", id)
                .param("attempt", attempt).update() == 1;
    }

    /** The running attempt's latest preview as {@code [content type, bytes]}, if any. */
    public Optional<JobPreview> preview(UUID jobId) {
        return jdbc.sql("SELECT content_type, image, updated_at FROM job_preview WHERE job_id = ?").params(jobId)
                .query((rs, n) -> new JobPreview(rs.getString("content_type"), rs.getBytes("image"),
                        rs.getObject("updated_at", OffsetDateTime.class).toInstant().toEpochMilli()))
                .optional();
    }

    /** When the job's preview last changed, in epoch milliseconds; 0 without one. */
    public long previewVersion(UUID jobId) {
        return jdbc.sql("SELECT (extract(epoch FROM updated_at) * 1000)::bigint FROM job_preview WHERE job_id = ?")
                .params(jobId).query(Long.class).optional().orElse(0L);
    }

    public List<JobImage> images(UUID jobId) {
        return jdbc.sql("SELECT id, position, content_type, poster_key FROM job_image WHERE job_id = ? ORDER BY position")
                .params(jobId)
                .query((rs, n) -> new JobImage(rs.getObject("id", UUID.class), rs.getInt("position"),
                        rs.getString("content_type"), rs.getString("poster_key") != null))
                .list();
    }

    /** The images of several jobs in one read, by job id (jobs without images are absent). */
    public Map<UUID, List<JobImage>> images(Collection<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return Map.of();
        }
        Map<UUID, List<JobImage>> byJob = new HashMap<>();
        jdbc.sql("SELECT job_id, id, position, content_type, poster_key FROM job_image WHERE job_id = ANY(?) ORDER BY job_id, position")
                .params((Object) jobIds.toArray(UUID[]::new))
                .query(rs -> {
                    byJob.computeIfAbsent(rs.getObject("job_id", UUID.class), id -> new ArrayList<>())
                            .add(new JobImage(rs.getObject("id", UUID.class), rs.getInt("position"), rs.getString("content_type"),
                                    rs.getString("poster_key") != null));
                });
        return byJob;
    }

    /** The image with its owner, for the ownership check. */
    public Optional<StoredImageRow> image(UUID imageId) {
        return jdbc.sql("""
                SELECT i.id, i.job_id, i.position, i.storage_key, i.content_type, i.poster_key, j.user_id
                FROM job_image i JOIN generation_job j ON j.id = i.job_id WHERE i.id = ?""")
                .params(imageId)
                .query((rs, n) -> new StoredImageRow(rs.getObject("id", UUID.class), rs.getObject("job_id", UUID.class),
                        rs.getInt("position"), rs.getString("storage_key"), rs.getString("content_type"),
                        rs.getLong("user_id"), rs.getString("poster_key")))
                .optional();
    }

    /**
     * A stored image or video with its owner.
     *
     * @param posterKey where a video's poster (its first frame, a PNG) is stored; null for an image
     *     or a video without poster
     */
    public record StoredImageRow(UUID id, UUID jobId, int position, String storageKey, String contentType, long ownerId,
                                 String posterKey) {
    }

    public static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
