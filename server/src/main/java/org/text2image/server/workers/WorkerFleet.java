package org.text2image.server.workers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.text2image.server.generation.GenerationProperties;

/** The workers the server has heard from, with their status, for the admin Workers page. */
@Component
class WorkerFleet {

    /** What the page shows for a worker's state. */
    enum Status { ONLINE, BUSY, BACKEND_UNREACHABLE, OFFLINE }

    /**
     * One worker. Device fields are null until the worker reports them.
     *
     * @param currentJobId the RUNNING job it holds, or null
     * @param tokenName the issued token it used last, or null for the configured token
     */
    record WorkerRow(String name, Status status, Instant lastSeenAt, UUID currentJobId, long jobsDone, long jobsFailed,
                     String gpuName, Long vramTotalBytes, Long vramFreeBytes, String comfyUiVersion, String tokenName,
                     String lastSeen, String vramTotal, String vramFree) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final GenerationProperties generation;

    WorkerFleet(JdbcClient jdbc, Clock clock, GenerationProperties generation) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.generation = generation;
    }

    /** Every worker, most recently seen first (at most 500). */
    List<WorkerRow> list() {
        Instant onlineSince = clock.instant().minus(generation.workerOnlineWindow());
        return jdbc.sql("""
                SELECT p.*, t.name AS token_name,
                       (SELECT j.id FROM generation_job j WHERE j.status = 'RUNNING' AND j.worker_name = p.worker_name
                        ORDER BY j.attempt_started_at DESC LIMIT 1) AS current_job_id
                FROM worker_presence p LEFT JOIN worker_token t ON t.id = p.token_id
                ORDER BY p.last_seen_at DESC, p.worker_name LIMIT 500""")
                .query((rs, n) -> {
                    Instant seen = rs.getObject("last_seen_at", OffsetDateTime.class).toInstant();
                    UUID job = rs.getObject("current_job_id", UUID.class);
                    Status status = job != null ? Status.BUSY
                            : !seen.isAfter(onlineSince) ? Status.OFFLINE
                            : rs.getBoolean("backend_reachable") ? Status.ONLINE : Status.BACKEND_UNREACHABLE;
                    return new WorkerRow(rs.getString("worker_name"), status, seen, job, rs.getLong("jobs_done"),
                            rs.getLong("jobs_failed"), rs.getString("gpu_name"), rs.getObject("vram_total_bytes", Long.class),
                            rs.getObject("vram_free_bytes", Long.class), rs.getString("comfyui_version"),
                            rs.getString("token_name"), ago(seen), gigabytes(rs.getObject("vram_total_bytes", Long.class)),
                            gigabytes(rs.getObject("vram_free_bytes", Long.class)));
                }).list();
    }

    /** "12 s ago", "5 min ago", "3 h ago", "2 d ago". */
    String ago(Instant instant) {
        if (instant == null) {
            return "never";
        }
        long seconds = Math.max(0, Duration.between(instant, clock.instant()).toSeconds());
        if (seconds < 60) {
            return seconds + " s ago";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min ago";
        }
        return seconds < 86400 ? seconds / 3600 + " h ago" : seconds / 86400 + " d ago";
    }

    /** Bytes in binary gigabytes with one decimal, as GPU makers label VRAM: "24.0 GB"; "—" when unknown. */
    static String gigabytes(Long bytes) {
        return bytes == null ? "—" : String.format(Locale.ROOT, "%.1f GB", bytes / (1024.0 * 1024 * 1024));
    }
}
