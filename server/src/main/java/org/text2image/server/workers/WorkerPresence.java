package org.text2image.server.workers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.text2image.server.generation.AttemptEnded;
import org.text2image.server.generation.GenerationProperties;
import org.text2image.server.generation.GeneratorStatus;
import org.text2image.server.generation.WorkerAvailability;
import org.text2image.server.training.TrainingWorkers;

/**
 * The only owner of the {@code worker_presence} table: what each worker last reported (when it
 * was heard from, whether its ComfyUI answered, its checkpoints, GPU and ComfyUI version), and the
 * answers generation asks through {@link WorkerAvailability} and training through
 * {@link TrainingWorkers}. A worker's checkpoint list counts once its ComfyUI has answered
 * ({@code checkpoints_reported}, migration V10); whether it runs jobs with a user's LoRA and takes
 * trainings is what its last claim said ({@code runs_loras}, {@code trains}, V35). Jobs done and failed
 * per worker are counted from generation's {@link AttemptEnded} events, in the transaction that
 * ended the attempt.
 */
@Component
class WorkerPresence implements WorkerAvailability, TrainingWorkers {

    /** Longest GPU name or ComfyUI version kept, in characters. */
    private static final int MAX_TEXT = 200;
    /** Most checkpoint names kept per worker. */
    private static final int MAX_CHECKPOINTS = 500;

    /**
     * What a worker says about itself with each claim; device fields are null when unknown.
     *
     * @param runsLoras it has a LoRA folder, so it is given jobs that use a user's LoRA
     * @param trains it is given LoRA trainings (it said {@code train} and has the VRAM)
     */
    record Report(String workerName, boolean backendReachable, List<String> checkpoints, String gpuName,
                  Long vramTotalBytes, Long vramFreeBytes, String comfyUiVersion, boolean runsLoras, boolean trains) {
    }

    /** One worker's row, for the admin Workers page. */
    record Seen(String workerName, Instant lastSeenAt, boolean backendReachable, Long tokenId, long jobsDone,
                long jobsFailed, String gpuName, Long vramTotalBytes, Long vramFreeBytes, String comfyUiVersion,
                boolean runsLoras, boolean trains) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final GenerationProperties properties;

    WorkerPresence(JdbcClient jdbc, Clock clock, GenerationProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.properties = properties;
    }

    /**
     * Records a claim's report: last seen now, reachability, the token used ({@code null} for the
     * configured token), device details (a null keeps the last known value) and, while ComfyUI
     * answers, the checkpoint list (at most {@value #MAX_CHECKPOINTS} names).
     */
    void report(Report report, Long tokenId) {
        String[] checkpoints = report.checkpoints().stream().limit(MAX_CHECKPOINTS).map(WorkerPresence::cut)
                .toArray(String[]::new);
        jdbc.sql("""
                INSERT INTO worker_presence (worker_name, last_seen_at, backend_reachable, token_id, gpu_name,
                    vram_total_bytes, vram_free_bytes, comfyui_version, checkpoints, checkpoints_reported, runs_loras,
                    trains)
                VALUES (:name, :now, :reachable, :token, :gpu, :total, :free, :version, :checkpoints, :reachable, :loras,
                    :trains)
                ON CONFLICT (worker_name) DO UPDATE
                SET last_seen_at = excluded.last_seen_at, backend_reachable = excluded.backend_reachable,
                    token_id = excluded.token_id,
                    gpu_name = coalesce(excluded.gpu_name, worker_presence.gpu_name),
                    vram_total_bytes = coalesce(excluded.vram_total_bytes, worker_presence.vram_total_bytes),
                    vram_free_bytes = coalesce(excluded.vram_free_bytes, worker_presence.vram_free_bytes),
                    comfyui_version = coalesce(excluded.comfyui_version, worker_presence.comfyui_version),
                    checkpoints = CASE WHEN excluded.backend_reachable THEN excluded.checkpoints
                                       ELSE worker_presence.checkpoints END,
                    checkpoints_reported = worker_presence.checkpoints_reported OR excluded.backend_reachable,
                    runs_loras = excluded.runs_loras, trains = excluded.trains""")
                .param("name", report.workerName()).param("now", WorkerTokens.ts(clock.instant()))
                .param("reachable", report.backendReachable()).param("token", tokenId)
                .param("gpu", cut(report.gpuName())).param("total", report.vramTotalBytes())
                .param("free", report.vramFreeBytes()).param("version", cut(report.comfyUiVersion()))
                .param("checkpoints", checkpoints).param("loras", report.runsLoras())
                .param("trains", report.trains()).update();
    }

    /** Records that a worker running a job was heard from (a heartbeat), and whether its ComfyUI answers. */
    void seen(String workerName, boolean backendReachable) {
        jdbc.sql("""
                INSERT INTO worker_presence (worker_name, last_seen_at, backend_reachable) VALUES (?, ?, ?)
                ON CONFLICT (worker_name) DO UPDATE
                SET last_seen_at = excluded.last_seen_at, backend_reachable = excluded.backend_reachable""")
                .params(workerName, WorkerTokens.ts(clock.instant()), backendReachable).update();
    }

    /** Counts an attempt's result for its worker (a worker with no presence row yet is not counted). */
    @EventListener
    void on(AttemptEnded attempt) {
        jdbc.sql("""
                UPDATE worker_presence SET jobs_done = jobs_done + CASE WHEN :succeeded THEN 1 ELSE 0 END,
                    jobs_failed = jobs_failed + CASE WHEN :succeeded THEN 0 ELSE 1 END
                WHERE worker_name = :name""")
                .param("succeeded", attempt.succeeded()).param("name", attempt.workerName()).update();
    }

    /** Every worker, most recently seen first (at most {@code limit}). */
    List<Seen> list(int limit) {
        return jdbc.sql("""
                SELECT worker_name, last_seen_at, backend_reachable, token_id, jobs_done, jobs_failed, gpu_name,
                       vram_total_bytes, vram_free_bytes, comfyui_version, runs_loras, trains
                FROM worker_presence ORDER BY last_seen_at DESC, worker_name LIMIT :limit""")
                .param("limit", limit)
                .query((rs, n) -> new Seen(rs.getString("worker_name"),
                        rs.getObject("last_seen_at", OffsetDateTime.class).toInstant(), rs.getBoolean("backend_reachable"),
                        rs.getObject("token_id", Long.class), rs.getLong("jobs_done"), rs.getLong("jobs_failed"),
                        rs.getString("gpu_name"), rs.getObject("vram_total_bytes", Long.class),
                        rs.getObject("vram_free_bytes", Long.class), rs.getString("comfyui_version"),
                        rs.getBoolean("runs_loras"), rs.getBoolean("trains")))
                .list();
    }

    /**
     * The workers heard from since {@code since} whose ComfyUI answers, by name, with the checkpoints
     * they reported (null: not reported yet).
     */
    List<WorkerFleet.Capability> reachableSince(Instant since) {
        return jdbc.sql("""
                SELECT worker_name, checkpoints, checkpoints_reported FROM worker_presence
                WHERE last_seen_at > ? AND backend_reachable ORDER BY worker_name""")
                .params(WorkerTokens.ts(since))
                .query((rs, n) -> new WorkerFleet.Capability(rs.getString("worker_name"),
                        rs.getBoolean("checkpoints_reported")
                                ? List.of((String[]) rs.getArray("checkpoints").getArray()) : null))
                .list();
    }

    /** How many workers were heard from since {@code since}, whether or not their ComfyUI answers. */
    long seenSince(Instant since) {
        return jdbc.sql("SELECT count(*) FROM worker_presence WHERE last_seen_at > ?")
                .params(WorkerTokens.ts(since)).query(Long.class).single();
    }

    @Override
    public GeneratorStatus status() {
        var counts = jdbc.sql("""
                SELECT count(*) FILTER (WHERE backend_reachable) AS reachable, count(*) AS seen
                FROM worker_presence WHERE last_seen_at > ?""")
                .params(WorkerTokens.ts(onlineSince()))
                .query((rs, n) -> new Counts(rs.getLong("reachable"), rs.getLong("seen"))).single();
        if (counts.reachable() > 0) {
            return GeneratorStatus.ONLINE;
        }
        return counts.seen() > 0 ? GeneratorStatus.BACKEND_UNREACHABLE : GeneratorStatus.OFFLINE;
    }

    @Override
    public long onlineWorkers() {
        return jdbc.sql("SELECT count(*) FROM worker_presence WHERE backend_reachable AND last_seen_at > ?")
                .params(WorkerTokens.ts(onlineSince())).query(Long.class).single();
    }

    @Override
    public boolean canRunNow(String checkpoint) {
        return onlineWith(checkpoint, "true");
    }

    @Override
    public boolean canRunLorasNow(String checkpoint) {
        return onlineWith(checkpoint, "runs_loras");
    }

    @Override
    public boolean canTrainNow(String checkpoint) {
        return onlineWith(checkpoint, "trains");
    }

    /** Whether an online worker whose ComfyUI answers has {@code checkpoint} and the flag column (a constant here). */
    private boolean onlineWith(String checkpoint, String flag) {
        return jdbc.sql("""
                SELECT count(*) > 0 FROM worker_presence
                WHERE last_seen_at > :since AND backend_reachable AND %s
                  AND (:checkpoint = '' OR :checkpoint = ANY (checkpoints))""".formatted(flag))
                .param("since", WorkerTokens.ts(onlineSince())).param("checkpoint", checkpoint)
                .query(Boolean.class).single();
    }

    @Override
    public Set<String> knownUnavailable(Collection<String> checkpoints, Duration window) {
        String[] asked = checkpoints.stream().filter(checkpoint -> !checkpoint.isEmpty()).distinct().toArray(String[]::new);
        if (asked.length == 0 || window.isZero()) {
            return Set.of();
        }
        return Set.copyOf(jdbc.sql("""
                WITH reported AS (
                    SELECT checkpoints FROM worker_presence WHERE last_seen_at > :since AND checkpoints_reported)
                SELECT asked FROM unnest(CAST(:asked AS text[])) AS asked
                WHERE EXISTS (SELECT 1 FROM reported)
                  AND NOT EXISTS (SELECT 1 FROM reported WHERE asked = ANY (reported.checkpoints))""")
                .param("since", WorkerTokens.ts(clock.instant().minus(window))).param("asked", asked)
                .query(String.class).list());
    }

    private Instant onlineSince() {
        return clock.instant().minus(properties.workerOnlineWindow());
    }

    private static String cut(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT);
    }

    private record Counts(long reachable, long seen) {
    }
}
