package org.text2image.server.generation.web;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobProgress;
import org.text2image.server.generation.Viewer;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.DatabaseSignals;
import org.text2image.server.support.StreamStops;

/**
 * The job page's event streams. Each stream runs a {@link JobFollower} on its own virtual thread:
 * it reads its job row and sends a {@code job} event, then sends each change PostgreSQL notifies
 * ({@code generation_job_changed}, whose payload carries the job's new state, migration V13) as it
 * arrives — a new status or attempt and a final state at once, bursts of step or preview changes
 * at most {@code progress-events-per-second} — and closes after the final event. Streams of queued
 * jobs also read their row again on any job change and on {@code generation_job_queued}, at most
 * once per {@code poll-interval}, since their place may move. The database is the only source of
 * truth and the notifications come from whichever server instance made the change, so every
 * stream sees every change; an idle page costs no reads.
 *
 * <p>When this instance stops, every open stream gets the SSE {@code retry} field and closes
 * ({@link #stop()}), so the browser reconnects to another instance.
 *
 * <p>Event data (JSON): {@code {"status":"RUNNING","queuePosition":0,"step":3,"totalSteps":20,
 * "attempt":1,"previewVersion":0,"final":false}}.
 */
@Component
class JobEventStreams implements SmartLifecycle, MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(JobEventStreams.class);

    private final GenerationService generation;
    private final JobEventProperties properties;
    private final JobFollower.Timing timing;
    private final Semaphore slots;
    private final Set<SseEmitter> open = ConcurrentHashMap.newKeySet();
    private final Set<JobFollower> followers = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    JobEventStreams(GenerationService generation, JobEventProperties properties, DatabaseSignals signals) {
        this.generation = generation;
        this.properties = properties;
        this.timing = JobFollower.Timing.of(properties);
        this.slots = new Semaphore(properties.maxStreams());
        signals.subscribe(JobQueue.CHANGED_CHANNEL, this::changed);
        signals.subscribe(JobQueue.QUEUED_CHANNEL, payload -> changed(null));
    }

    /** The gauge {@code t2i.sse.streams}: job event streams open now on this instance (docs/OPERATIONS.md). */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("t2i.sse.streams", followers, Set::size)
                .description("Job event streams (server-sent events) open now on this instance").register(registry);
    }

    /** A job changed (its payload), or anything may have (null): tell its streams, and those of queued jobs. */
    private void changed(String payload) {
        JobChange change = JobChange.parse(payload);
        for (JobFollower follower : followers) {
            if (change != null && follower.jobId.equals(change.jobId())) {
                follower.changed(change);
            } else if (change == null || follower.queued()) {
                follower.mayHaveChanged();
            }
        }
    }

    /** A stream for a job the viewer may see, or empty when {@code maxStreams} are open already. */
    Optional<SseEmitter> open(UUID jobId, Viewer viewer) {
        SseEmitter emitter = new SseEmitter(properties.streamLifetime().toMillis());
        AtomicBoolean closed = new AtomicBoolean();
        JobFollower.Sink sink = new JobFollower.Sink() {
            @Override
            public void send(JobProgress progress) throws IOException {
                emitter.send(SseEmitter.event().name("job").data(data(progress), MediaType.APPLICATION_JSON));
            }

            @Override
            public void keepAlive() throws IOException {
                emitter.send(SseEmitter.event().comment("keep-alive"));
            }

            @Override
            public boolean isOpen() {
                return !closed.get();
            }
        };
        Optional<JobFollower> follower = follow(jobId, viewer, sink, error -> {
            if (error == null) {
                emitter.complete();
            } else {
                emitter.completeWithError(error);
            }
        });
        follower.ifPresent(following -> {
            open.add(emitter);
            Runnable close = () -> {
                closed.set(true);
                open.remove(emitter);
                following.interrupt();
            };
            emitter.onCompletion(close);
            emitter.onTimeout(close);
            emitter.onError(error -> close.run());
        });
        return follower.map(started -> emitter);
    }

    /**
     * Follows {@code jobId} into {@code sink} on a new virtual thread, or empty when
     * {@code maxStreams} are open already. {@code end} gets null when the stream ends normally
     * (final state sent, job gone, sink closed, shutdown) and the error otherwise.
     */
    Optional<JobFollower> follow(UUID jobId, Viewer viewer, JobFollower.Sink sink, Consumer<Throwable> end) {
        if (!running || !slots.tryAcquire()) {
            return Optional.empty();
        }
        JobFollower follower = new JobFollower(jobId);
        followers.add(follower);
        JobFollower.Sink untilStopped = new JobFollower.Sink() {
            @Override
            public void send(JobProgress progress) throws IOException {
                sink.send(progress);
            }

            @Override
            public void keepAlive() throws IOException {
                sink.keepAlive();
            }

            @Override
            public boolean isOpen() {
                return running && sink.isOpen();
            }
        };
        Thread.ofVirtual().name("job-events-" + jobId).start(() -> {
            try {
                follower.run(() -> generation.progress(jobId, viewer), untilStopped, timing);
                end.accept(null);
            } catch (IOException | IllegalStateException e) {
                log.debug("Event stream of job {} closed by the client: {}", jobId, e.getMessage());
                end.accept(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                end.accept(null);
            } catch (RuntimeException e) {
                log.warn("Event stream of job {} stopped", jobId, e);
                end.accept(e);
            } finally {
                followers.remove(follower);
                slots.release();
            }
        });
        return Optional.of(follower);
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

    /**
     * Closes every open stream first, so that graceful shutdown does not wait for them. Each gets
     * {@link StreamStops#lastEvent()} (the SSE {@code retry} field and {@code :server stopping})
     * before it closes, so the browser reconnects, through the load balancer, to another instance.
     */
    @Override
    public void stop() {
        for (SseEmitter emitter : open) {
            try {
                emitter.send(StreamStops.lastEvent());
            } catch (IOException | IllegalStateException e) { // the client went away, or the stream ended meanwhile
                log.debug("Could not tell a stream that this instance stops: {}", e.getMessage());
            }
        }
        running = false;
        followers.forEach(JobFollower::interrupt);
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
