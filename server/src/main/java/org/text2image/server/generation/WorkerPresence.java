package org.text2image.server.generation;

import java.time.Clock;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Remembers when each worker was last heard from and whether its ComfyUI answered. */
@Component
class WorkerPresence {

    private final JdbcClient jdbc;
    private final Clock clock;
    private final GenerationProperties properties;

    WorkerPresence(JdbcClient jdbc, Clock clock, GenerationProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.properties = properties;
    }

    void seen(String workerName, boolean backendReachable) {
        jdbc.sql("""
                INSERT INTO worker_presence (worker_name, last_seen_at, backend_reachable) VALUES (?, ?, ?)
                ON CONFLICT (worker_name) DO UPDATE
                SET last_seen_at = excluded.last_seen_at, backend_reachable = excluded.backend_reachable""")
                .params(workerName, JobRepository.ts(clock.instant()), backendReachable).update();
    }

    GeneratorStatus status() {
        Instant since = clock.instant().minus(properties.workerOnlineWindow());
        var counts = jdbc.sql("""
                SELECT count(*) FILTER (WHERE backend_reachable) AS reachable, count(*) AS seen
                FROM worker_presence WHERE last_seen_at > ?""")
                .params(JobRepository.ts(since))
                .query((rs, n) -> new long[] {rs.getLong("reachable"), rs.getLong("seen")}).single();
        if (counts[0] > 0) {
            return GeneratorStatus.ONLINE;
        }
        return counts[1] > 0 ? GeneratorStatus.BACKEND_UNREACHABLE : GeneratorStatus.OFFLINE;
    }
}
