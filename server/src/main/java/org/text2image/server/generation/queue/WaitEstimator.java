package org.text2image.server.generation.queue;

import java.util.function.IntFunction;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.text2image.server.generation.WorkerAvailability;

/**
 * Estimates how long a queued job waits before a worker starts it: position × the median run time
 * of the last {@value #HISTORY} succeeded jobs ÷ the workers online now, rounded to whole
 * seconds. An estimate, not a promise: it ignores model switches, capability and fair share.
 */
@Component
public class WaitEstimator {

    /** Succeeded jobs whose run times make the median. */
    static final int HISTORY = 50;

    private final JdbcClient jdbc;
    private final WorkerAvailability workers;

    WaitEstimator(JdbcClient jdbc, WorkerAvailability workers) {
        this.jdbc = jdbc;
        this.workers = workers;
    }

    /**
     * Seconds until a job at {@code queuePosition} is likely to start.
     *
     * @return null when the job is not queued, no job has succeeded yet, or no worker is online
     */
    public Integer estimatedWaitSeconds(int queuePosition) {
        return queuePosition < 1 ? null : estimates().apply(queuePosition);
    }

    /**
     * The estimate for any position, from one read of the recent run times and the workers online
     * (for a page that shows several queued jobs). The function answers null as
     * {@link #estimatedWaitSeconds} does.
     */
    public IntFunction<Integer> estimates() {
        Double medianRunSeconds = jdbc.sql("""
                SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - attempt_started_at))
                FROM (SELECT finished_at, attempt_started_at FROM generation_job
                      WHERE status = 'SUCCEEDED' AND attempt_started_at IS NOT NULL
                      ORDER BY finished_at DESC LIMIT :history) recent""")
                .param("history", HISTORY).query(Double.class).optional().orElse(null);
        long onlineWorkers = medianRunSeconds == null ? 0 : workers.onlineWorkers();
        if (onlineWorkers == 0) {
            return position -> null;
        }
        return position -> {
            if (position < 1) {
                return null;
            }
            long seconds = Math.round(position * Math.max(medianRunSeconds, 0) / onlineWorkers);
            return (int) Math.min(seconds, Integer.MAX_VALUE);
        };
    }
}
