package org.text2image.server.support;

import java.util.UUID;
import org.slf4j.MDC;

/**
 * The job and user a log line is about, in the logging MDC as {@code jobId} and {@code userId}
 * (docs/OPERATIONS.md, "Logs"): structured (JSON) logs carry them as fields on every line written
 * inside the scope. A scope restores the values it replaced when it closes, so scopes nest (the
 * worker API's call around the queue's method) and a pooled or virtual thread keeps nothing.
 *
 * <pre>{@code try (LogContext.Scope ignored = LogContext.job(jobId, userId)) { ... } }</pre>
 */
public final class LogContext {

    /** The MDC key of the job's id (a UUID). */
    public static final String JOB_ID = "jobId";
    /** The MDC key of the user's id (a number). */
    public static final String USER_ID = "userId";

    private LogContext() {
    }

    /** A scope that restores the MDC when closed; closing never throws. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Puts the job's id, and its user's when known (null: left as it is). */
    public static Scope job(UUID jobId, Long userId) {
        Scope job = put(JOB_ID, jobId == null ? null : jobId.toString());
        Scope user = userId == null ? () -> { } : put(USER_ID, userId.toString());
        return () -> {
            user.close();
            job.close();
        };
    }

    /** Puts the job's id only. */
    public static Scope job(UUID jobId) {
        return job(jobId, null);
    }

    /** Puts the user's id only. */
    public static Scope user(long userId) {
        return put(USER_ID, Long.toString(userId));
    }

    private static Scope put(String key, String value) {
        String previous = MDC.get(key);
        if (value == null) {
            return () -> { };
        }
        MDC.put(key, value);
        return () -> {
            if (previous == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, previous);
            }
        };
    }
}
