package org.text2image.worker;

import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.text2image.worker.api.ClaimedJob;

/**
 * Prefetch ({@link WorkerConfig#prefetch()}): when the running prompt reaches its last sampler
 * step, claims the next job (no long-poll) and starts it — posted to ComfyUI behind the running
 * one, confirmed with a heartbeat — so the GPU goes straight on while the finished job's images are
 * uploaded. Until the loop takes it, the prefetched attempt is kept alive ({@link KeepAlive}).
 * At most one is pending.
 *
 * <p>Threads: {@link #request} runs on ComfyUI's socket thread (the nearly-done hook); the claim,
 * the start and the keep-alive beats on this prefetch's own thread; {@link #take} on the loop's.
 * What passes from the prefetch thread to the loop is the immutable {@code Prefetched} record, the
 * result of a {@link FutureTask}.
 */
final class Prefetch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Prefetch.class);

    /** A started attempt and the beats that keep it alive while it waits. */
    private record Prefetched(Attempt attempt, KeepAlive keepAlive) {
    }

    private final WorkerConfig config;
    private final WorkerApiClient server;
    private final JobRunner runner;
    private final StopSignal stop;
    private final ScheduledExecutorService thread;
    private final AtomicReference<FutureTask<Prefetched>> pending = new AtomicReference<>();

    Prefetch(WorkerConfig config, WorkerApiClient server, JobRunner runner, StopSignal stop) {
        this.config = config;
        this.server = server;
        this.runner = runner;
        this.stop = stop;
        this.thread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("prefetch-" + config.workerName()).daemon(true).factory());
    }

    /**
     * The nearly-done hook for an attempt claimed while ComfyUI was in {@code status}: prefetch the
     * next job with the same claim (a job only comes to a claim that found ComfyUI reachable).
     */
    Runnable hook(ComfyUiHealth.Status status) {
        return () -> request(status);
    }

    /** Claims and starts the next job on the prefetch thread, unless prefetch is off, the loop stops, or one is pending. */
    private void request(ComfyUiHealth.Status status) {
        if (!config.prefetch() || stop.requested() || pending.get() != null) {
            return;
        }
        FutureTask<Prefetched> task = new FutureTask<>(() -> claimAndStart(status));
        if (pending.compareAndSet(null, task)) {
            try {
                thread.execute(task);
            } catch (RejectedExecutionException e) {
                pending.set(null); // stopping
            }
        }
    }

    /** On the prefetch thread: the claim, then the start; null when there is no job. */
    private Prefetched claimAndStart(ComfyUiHealth.Status status) {
        Optional<ClaimedJob> job;
        try {
            // never a training: it cannot queue behind the running prompt
            job = server.claim(status.claim(config.workerName(), 0).withCapabilities(false, config.keepsLoras()));
        } catch (WorkerApiException e) {
            log.info("could not prefetch the next job ({}); claiming after this one", e.getMessage());
            return null;
        }
        if (job.isEmpty()) {
            return null;
        }
        Attempt attempt = runner.start(job.get(), hook(status)); // its last step prefetches the next, with the same claim
        return new Prefetched(attempt, KeepAlive.start(attempt, thread));
    }

    /**
     * The prefetched attempt, once its prompt is posted, with its keep-alive stopped; null when
     * none was prefetched. Waits through interrupts (and keeps them).
     */
    Attempt take() {
        FutureTask<Prefetched> task = pending.getAndSet(null);
        if (task == null) {
            return null;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    Prefetched prefetched = task.get();
                    if (prefetched == null) {
                        return null;
                    }
                    prefetched.keepAlive().stop();
                    return prefetched.attempt();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    log.error("prefetching the next job failed", e.getCause());
                    return null;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops the prefetch thread; a claim under way fails. */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
