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

    /**
     * Whether an online worker whose ComfyUI answers can run a job for {@code checkpoint}: it lists
     * the checkpoint, lists none ("can run anything", as the Dispatcher reads it), or the job needs none.
     */
    boolean canRunNow(String checkpoint) {
        Instant since = clock.instant().minus(properties.workerOnlineWindow());
        return jdbc.sql("""
                SELECT count(*) FROM worker_presence
                WHERE last_seen_at > :since AND backend_reachable
                  AND (:checkpoint = '' OR cardinality(checkpoints) = 0 OR :checkpoint = ANY (checkpoints))""")
                .param("since", JobRepository.ts(since)).param("checkpoint", checkpoint)
                .query(Long.class).single() > 0;
    }

    /**
     * Whether the fleet is known not to have {@code checkpoint}: every worker heard from within
     * {@code window} listed its checkpoints, none listed this one, and there was at least one. With
     * no worker heard from (a fresh install, ComfyUI down) nothing is known and the answer is false.
     */
    boolean knownUnavailable(String checkpoint, java.time.Duration window) {
        if (checkpoint.isEmpty() || window.isZero()) {
            return false;
        }
        Instant since = clock.instant().minus(window);
        return jdbc.sql("""
                SELECT count(*) > 0
                       AND count(*) FILTER (WHERE cardinality(checkpoints) = 0) = 0
                       AND count(*) FILTER (WHERE :checkpoint = ANY (checkpoints)) = 0
                FROM worker_presence WHERE last_seen_at > :since""")
                .param("since", JobRepository.ts(since)).param("checkpoint", checkpoint)
                .query(Boolean.class).single();
    }
}
