package org.text2image.server.generation;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The job page's event streams. Each stream polls its job row every {@code pollInterval} on its
 * own virtual thread and sends a {@code job} event only when state, queue position or step
 * progress changed; after the final state it sends that event and closes. The database is the
 * only source of truth, so a change made through any server instance reaches every stream; the
 * set kept here only closes open streams at shutdown.
 *
 * <p>Event data (JSON): {@code {"status":"RUNNING","queuePosition":0,"step":3,"totalSteps":20,
 * "attempt":1,"final":false}}.
 */
@Component
class JobEventStreams implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobEventStreams.class);

    private final GenerationService generation;
    private final JobEventProperties properties;
    private final Semaphore slots;
    private final Set<SseEmitter> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    JobEventStreams(GenerationService generation, JobEventProperties properties) {
        this.generation = generation;
        this.properties = properties;
        this.slots = new Semaphore(properties.maxStreams());
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
        Thread.ofVirtual().name("job-events-" + jobId).start(() -> follow(jobId, viewer, emitter, closed));
        return Optional.of(emitter);
    }

    private void follow(UUID jobId, Viewer viewer, SseEmitter emitter, AtomicBoolean closed) {
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
                Thread.sleep(properties.pollInterval());
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
