package org.text2image.server.generation.web;

import java.io.IOException;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.text2image.server.generation.JobProgress;
import org.text2image.server.generation.JobStatus;

/**
 * One open event stream's loop: sends its job's state to a {@link Sink} as notifications tell it,
 * until the job is final or the sink closes.
 *
 * <p>A notification that carries the job's new state ({@link JobChange}) is applied without
 * reading the row. A change of status or attempt, a change of queue position, and any change
 * after {@code progressSpacing} of quiet go out at once; changes of only step or preview within
 * {@code progressSpacing} of the last event wait until it has passed and go out as one event with
 * the latest values (a final state in the meantime replaces them). The row is read at the start,
 * when a notification does not say the state (a job back in the queue, an old-format payload),
 * at most once per {@code pollInterval} when something else may have moved (another job changed,
 * while this one is queued; the fallback ring of {@code DatabaseSignals}), and every
 * {@code keepAlive}, when an idle stream also sends a comment.
 *
 * <p>Times are wall time ({@link System#nanoTime()}) on purpose, not the injected Clock: they pace
 * a socket, and tests freeze the Clock.
 */
final class JobFollower {

    /** Where the events go; called on the follower's thread only. */
    interface Sink {
        void send(JobProgress progress) throws IOException;

        void keepAlive() throws IOException;

        boolean isOpen();
    }

    final UUID jobId;
    private final Semaphore wake = new Semaphore(0);
    private final Queue<JobChange> changes = new ConcurrentLinkedQueue<>();
    private volatile boolean lookAgain;
    private volatile boolean queued = true;

    JobFollower(UUID jobId) {
        this.jobId = jobId;
    }

    /** Whether the job was queued when last seen (its place moves when other jobs change). */
    boolean queued() {
        return queued;
    }

    /** A notification about this job (called on the listening thread: returns at once). */
    void changed(JobChange change) {
        changes.add(change);
        wake.release();
    }

    /** Something else changed that may move this job: read the row again, within {@code pollInterval}. */
    void mayHaveChanged() {
        lookAgain = true;
        wake.release();
    }

    /** Ends the wait at once (the stream closed). */
    void interrupt() {
        wake.release();
    }

    /**
     * Runs the stream until the job is final (its event sent), gone, or the sink closed.
     *
     * @param read reads the job row (empty when the job is gone)
     */
    void run(Supplier<Optional<JobProgress>> read, Sink sink, Timing timing) throws IOException, InterruptedException {
        changes.clear();
        Optional<JobProgress> first = read.get();
        if (first.isEmpty()) {
            return;
        }
        JobProgress last = first.get();
        JobProgress current = last;
        sink.send(last);
        long lastSent = System.nanoTime();
        long lastRead = lastSent;
        while (!last.isFinal() && sink.isOpen()) {
            queued = current.status() == JobStatus.QUEUED;
            awaitChange(timing.deadline(lastSent, lastRead, !current.equals(last), lookAgain));
            JobProgress folded = fold(current);
            long now = System.nanoTime();
            if (folded == null || (lookAgain && now - lastRead >= timing.pollInterval())
                    || now - lastRead >= timing.keepAlive()) {
                lookAgain = false;
                changes.clear(); // the row is newer than any of them
                Optional<JobProgress> row = read.get();
                if (row.isEmpty()) {
                    return;
                }
                folded = row.get();
                lastRead = now;
            }
            current = folded;
            if (!current.equals(last)) {
                if (urgent(last, current) || now - lastSent >= timing.progressSpacing()) {
                    sink.send(current);
                    last = current;
                    lastSent = now;
                }
            } else if (now - lastSent >= timing.keepAlive()) {
                sink.keepAlive(); // fails once the tab is gone
                lastSent = now;
            }
        }
    }

    /** {@code current} with the notified changes applied in order, or null when one of them needs a read. */
    private JobProgress fold(JobProgress current) {
        JobProgress folded = current;
        boolean mustRead = false;
        for (JobChange change; (change = changes.poll()) != null; ) {
            JobProgress next = change.applyTo(folded);
            mustRead |= next == null;
            folded = next == null ? folded : next;
        }
        return mustRead ? null : folded;
    }

    private void awaitChange(long deadline) throws InterruptedException {
        long wait = deadline - System.nanoTime();
        if (wait > 0) {
            wake.tryAcquire(wait, TimeUnit.NANOSECONDS);
        }
        wake.drainPermits();
    }

    /** A change the page shows at once: a new status or attempt, a final state, a new place in the queue. */
    private static boolean urgent(JobProgress last, JobProgress current) {
        return current.status() != last.status() || current.attempt() != last.attempt() || current.isFinal()
                || current.queuePosition() != last.queuePosition();
    }

    /**
     * The follower's pacing, in nanoseconds.
     *
     * @param pollInterval least time between two reads that no own notification asked for
     * @param progressSpacing least time between two events that only move step or preview
     * @param keepAlive idle time before a comment and a fresh read
     */
    record Timing(long pollInterval, long progressSpacing, long keepAlive) {

        static Timing of(JobEventProperties properties) {
            return new Timing(properties.pollInterval().toNanos(),
                    1_000_000_000L / properties.progressEventsPerSecond(), properties.keepAliveInterval().toNanos());
        }

        /** When the loop must look again by itself, without a notification. */
        long deadline(long lastSent, long lastRead, boolean pending, boolean lookAgain) {
            long deadline = Math.min(lastSent, lastRead) + keepAlive;
            if (pending) {
                deadline = Math.min(deadline, lastSent + progressSpacing);
            }
            if (lookAgain) {
                deadline = Math.min(deadline, lastRead + pollInterval);
            }
            return deadline;
        }
    }
}
