package org.text2image.server.generation;

import java.time.Clock;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Estimates how long a queued job waits before a worker starts it: position × the median run time
 * of the last {@value #HISTORY} succeeded jobs ÷ the workers online now, rounded to whole
 * seconds. An estimate, not a promise: it ignores model switches, capability and fair share.
 */
@Component
class WaitEstimator {

    /** Succeeded jobs whose run times make the median. */
    static final int HISTORY = 50;

    private final JdbcClient jdbc;
    private final GenerationProperties properties;
    private final Clock clock;

    WaitEstimator(JdbcClient jdbc, GenerationProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Seconds until a job at {@code queuePosition} is likely to start.
     *
     * @return null when the job is not queued, no job has succeeded yet, or no worker is online
     */
    Integer estimatedWaitSeconds(int queuePosition) {
        if (queuePosition < 1) {
            return null;
        }
        Double medianRunSeconds = jdbc.sql("""
                SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - attempt_started_at))
                FROM (SELECT finished_at, attempt_started_at FROM generation_job
                      WHERE status = 'SUCCEEDED' AND attempt_started_at IS NOT NULL
                      ORDER BY finished_at DESC LIMIT :history) recent""")
                .param("history", HISTORY).query(Double.class).optional().orElse(null);
        if (medianRunSeconds == null) {
            return null;
        }
        long onlineWorkers = jdbc.sql("""
                SELECT count(*) FROM worker_presence WHERE backend_reachable AND last_seen_at > :since""")
                .param("since", JobRepository.ts(clock.instant().minus(properties.workerOnlineWindow())))
                .query(Long.class).single();
        if (onlineWorkers == 0) {
            return null;
        }
        long seconds = Math.round(queuePosition * Math.max(medianRunSeconds, 0) / onlineWorkers);
        return (int) Math.min(seconds, Integer.MAX_VALUE);
    }
}
