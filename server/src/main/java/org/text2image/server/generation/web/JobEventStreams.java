package org.text2image.server.generation.web;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobProgress;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.generation.Viewer;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.DatabaseSignals;

/**
 * The job page's event streams. Each stream runs on its own virtual thread: it reads its job row,
 * sends a {@code job} event when state, queue position, step progress or preview changed (after
 * the final state it sends that event and closes), and then waits until PostgreSQL notifies that
 * the job changed ({@code generation_job_changed}, migration V9; streams of queued jobs also wake
 * on any job change and on {@code generation_job_queued}, since their place may move) — or the
 * keep-alive time passes — and reads again, at most once per {@code poll-interval}. The database
 * is the only source of truth and the notifications come from whichever server instance made the
 * change, so every stream sees every change; an idle page costs no reads.
 *
 * <p>Event data (JSON): {@code {"status":"RUNNING","queuePosition":0,"step":3,"totalSteps":20,
 * "attempt":1,"previewVersion":0,"final":false}}.
 */
@Component
class JobEventStreams implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobEventStreams.class);

    private final GenerationService generation;
    private final JobEventProperties properties;
    private final Semaphore slots;
    private final Set<SseEmitter> open = ConcurrentHashMap.newKeySet();
    private final Set<Follower> followers = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    JobEventStreams(GenerationService generation, JobEventProperties properties, DatabaseSignals signals) {
        this.generation = generation;
        this.properties = properties;
        this.slots = new Semaphore(properties.maxStreams());
        signals.subscribe(JobQueue.CHANGED_CHANNEL, this::changed);
        signals.subscribe(JobQueue.QUEUED_CHANNEL, payload -> wake(follower -> follower.queued));
    }

    /** A job changed (its id), or anything may have (null): wake its streams, and those of queued jobs, whose place may have moved. */
    private void changed(String payload) {
        UUID jobId = null;
        try {
            jobId = payload == null ? null : UUID.fromString(payload);
        } catch (IllegalArgumentException e) {
            // not ours: look again everywhere
        }
        UUID changed = jobId;
        wake(follower -> changed == null || follower.jobId.equals(changed) || follower.queued);
    }

    private void wake(java.util.function.Predicate<Follower> which) {
        for (Follower follower : followers) {
            if (which.test(follower)) {
                follower.wake.release();
            }
        }
    }

    /** A stream for a job the viewer may see, or empty when {@code maxStreams} are open already. */
    Optional<SseEmitter> open(UUID jobId, Viewer viewer) {
        if (!running || !slots.tryAcquire()) {
            return Optional.empty();
        }
        SseEmitter emitter = new SseEmitter(properties.streamLifetime().toMillis());
        AtomicBoolean closed = new AtomicBoolean();
        Runnable close = () -> {
            if (closed.compareAndSet(false, true)) {
                open.remove(emitter);
                slots.release();
            }
        };
        emitter.onCompletion(close);
        emitter.onTimeout(close);
        emitter.onError(error -> close.run());
        open.add(emitter);
        Follower follower = new Follower(jobId);
        followers.add(follower);
        emitter.onCompletion(() -> followers.remove(follower));
        Thread.ofVirtual().name("job-events-" + jobId).start(() -> {
            try {
                follow(follower, viewer, emitter, closed);
            } finally {
                followers.remove(follower);
            }
        });
        return Optional.of(emitter);
    }

    private void follow(Follower follower, Viewer viewer, SseEmitter emitter, AtomicBoolean closed) {
        UUID jobId = follower.jobId;
        JobProgress last = null;
        // Wall time on purpose, not the injected Clock: this paces a socket, and tests freeze the Clock.
        long lastSentNanos = System.nanoTime();
        try {
            while (!closed.get() && running) {
                Optional<JobProgress> now = generation.progress(jobId, viewer);
                if (now.isEmpty()) {
                    break;
                }
                JobProgress progress = now.get();
                follower.queued = progress.status() == JobStatus.QUEUED;
                if (!progress.equals(last)) {
                    emitter.send(SseEmitter.event().name("job").data(data(progress), MediaType.APPLICATION_JSON));
                    last = progress;
                    lastSentNanos = System.nanoTime();
                    if (progress.isFinal()) {
                        break;
                    }
                } else if (System.nanoTime() - lastSentNanos >= properties.keepAliveInterval().toNanos()) {
                    emitter.send(SseEmitter.event().comment("keep-alive")); // fails once the tab is gone
                    lastSentNanos = System.nanoTime();
                }
                // Wait for a notification about this job (or the keep-alive time), then read again,
                // at most once per poll-interval however busy the channel is.
                long readNanos = System.nanoTime();
                follower.wake.tryAcquire(properties.keepAliveInterval().toNanos(), TimeUnit.NANOSECONDS);
                follower.wake.drainPermits();
                long spacing = properties.pollInterval().toNanos() - (System.nanoTime() - readNanos);
                if (spacing > 0) {
                    Thread.sleep(Duration.ofNanos(spacing));
                }
            }
            emitter.complete();
        } catch (IOException | IllegalStateException e) {
            log.debug("Event stream of job {} closed by the client: {}", jobId, e.getMessage());
            emitter.completeWithError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emitter.complete();
        } catch (RuntimeException e) {
            log.warn("Event stream of job {} stopped", jobId, e);
            emitter.completeWithError(e);
        }
    }

    /** One open stream: its job and its wake-up signal. */
    private static final class Follower {
        final UUID jobId;
        final Semaphore wake = new Semaphore(0);
        volatile boolean queued = true;

        Follower(UUID jobId) {
            this.jobId = jobId;
        }
    }

    private static Map<String, Object> data(JobProgress progress) {
        return Map.of("status", progress.status().name(), "queuePosition", progress.queuePosition(),
                "step", progress.step(), "totalSteps", progress.totalSteps(), "attempt", progress.attempt(),
                "previewVersion", progress.previewVersion(), "final", progress.isFinal());
    }

    @Override
    public void start() {
        running = true;
    }

    /** Closes every open stream first, so that graceful shutdown does not wait for them. */
    @Override
    public void stop() {
        running = false;
        open.forEach(SseEmitter::complete);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
