package org.text2image.server.support;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;
import org.slf4j.MDC;

/**
 * The job and user a log line is about, in the logging MDC as {@code jobId} and {@code userId}
 * (docs/OPERATIONS.md, "Logs"): structured (JSON) logs carry them as fields on every line written
 * inside the scope. A scope restores the values it replaced when it closes, so scopes nest (the
 * worker API's call around the queue's method) and a pooled or virtual thread keeps nothing.
 *
 * <pre>{@code
 * try (LogContext.Scope context = LogContext.job(jobId)) {
 *     JobRow job = ...;
 *     context.user(job.userId()); // known once the row is read
 *     log.info(...);             // carries jobId and userId
 * }
 * }</pre>
 */
public final class LogContext {

    /** The MDC key of the job's id (a UUID). */
    public static final String JOB_ID = "jobId";
    /** The MDC key of the user's id (a number). */
    public static final String USER_ID = "userId";

    private LogContext() {
    }

    /** A job's scope: puts {@code jobId} (null puts nothing). */
    public static Scope job(UUID jobId) {
        Scope scope = new Scope();
        if (jobId != null) {
            scope.put(JOB_ID, jobId.toString());
        }
        return scope;
    }

    /** A job's scope with its user. */
    public static Scope job(UUID jobId, long userId) {
        return job(jobId).user(userId);
    }

    /** A user's scope: puts {@code userId}. */
    public static Scope forUser(long userId) {
        return new Scope().user(userId);
    }

    /** Values put into the MDC, restored in reverse order on {@link #close()}; closing never throws. */
    public static final class Scope implements AutoCloseable {

        private record Previous(String key, String value) {
        }

        private final Deque<Previous> replaced = new ArrayDeque<>();

        private Scope() {
        }

        /** Adds the user's id to this scope; returns this scope. */
        public Scope user(long userId) {
            put(USER_ID, Long.toString(userId));
            return this;
        }

        private void put(String key, String value) {
            replaced.push(new Previous(key, MDC.get(key)));
            MDC.put(key, value);
        }

        @Override
        public void close() {
            while (!replaced.isEmpty()) {
                Previous previous = replaced.pop();
                if (previous.value() == null) {
                    MDC.remove(previous.key());
                } else {
                    MDC.put(previous.key(), previous.value());
                }
            }
        }
    }
}
