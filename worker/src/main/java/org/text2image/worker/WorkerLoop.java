package org.text2image.worker;

import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.text2image.worker.api.ClaimRequest;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.comfyui.ComfyUiClient;
import org.text2image.worker.comfyui.PromptRun;

/**
 * The worker's pull loop: check ComfyUI's health (cached), claim with {@code backendReachable}
 * and the installed checkpoints — a long-poll claim the server holds up to
 * {@link WorkerConfig#claimWait()} until a job arrives — and run the job with {@link JobRunner}.
 * While the server is unreachable it backs off, doubling the pause up to
 * {@link WorkerConfig#maxBackoff()}, and keeps trying.
 *
 * <p>Prefetch ({@link WorkerConfig#prefetch()}): when the running prompt reaches its last sampler
 * step the loop claims the next job and posts it to ComfyUI behind the running one, so the GPU
 * goes straight on while the finished job's images are uploaded. A stopping loop hands a
 * prefetched job back (its prompt is removed from ComfyUI); no attempt is used.
 *
 * <p>Run it on a thread of the caller's ({@code new Thread(loop).start()}). {@link #stop()} ends
 * the loop after the current job (a waiting claim is cancelled, a job arriving with it handed
 * back); {@link #stopNow()} also interrupts the thread, which stops the current prompt and hands
 * the job back (queued again, no attempt used). {@link #awaitStopped} waits for the end.
 */
public final class WorkerLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(WorkerLoop.class);
    /** How long {@link #stop()} lets the server answer a cancelled long-poll claim before abandoning the call. */
    static final Duration CLAIM_CANCEL_GRACE = Duration.ofSeconds(2);
    /** How often a waiting claim looks at stop requests and ComfyUI's health. */
    static final Duration CLAIM_WATCH_INTERVAL = Duration.ofMillis(100);

    private final WorkerConfig config;
    private final WorkerApiClient server;
    private final ComfyUiClient comfyUi;
    private final ComfyUiHealth health;
    private final JobRunner runner;
    private final String clientId;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Thread thread;
    private final ScheduledExecutorService prefetcher;
    private final AtomicReference<FutureTask<Attempt>> prefetched = new AtomicReference<>();
    private volatile KeepAlive prefetchedKeepAlive;
    private volatile ComfyUiHealth.Status lastStatus = ComfyUiHealth.Status.unreachable();

    /** A loop with the system clock and clients built from {@code config}. */
    public WorkerLoop(WorkerConfig config) {
        this(config, Clock.systemUTC(), PromptRun.Timing.defaults());
    }

    /**
     * @param config the settings
     * @param clock measures job time, heartbeats and the health cache
     * @param timing how prompts are followed on ComfyUI's WebSocket
     */
    public WorkerLoop(WorkerConfig config, Clock clock, PromptRun.Timing timing) {
        this.config = Objects.requireNonNull(config, "config");
        this.comfyUi = new ComfyUiClient(config.comfyUiUrl(), config.connectTimeout(), config.comfyUiRequestTimeout());
        this.server = new WorkerApiClient(config.serverUrl(), config.token(), config.connectTimeout(),
                config.serverRequestTimeout());
        this.health = new ComfyUiHealth(comfyUi, config.healthCheckInterval(), clock);
        this.clientId = clientId(config.workerName());
        this.runner = new JobRunner(comfyUi, server, clientId, config.heartbeatInterval(), timing, clock);
        this.prefetcher = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("prefetch-" + config.workerName()).daemon(true).factory());
    }

    /** The ComfyUI {@code client_id} of this loop: the name, made URL-safe, and a random suffix. */
    public String clientId() {
        return clientId;
    }

    /** Runs until {@link #stop()}, then releases its HTTP clients; may be called once. */
    @Override
    public void run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("this worker loop is already running or has run");
        }
        thread = Thread.currentThread();
        log.info("worker {} started: server {}, ComfyUI {}", config.workerName(), config.serverUrl(), config.comfyUiUrl());
        try {
            int failures = 0;
            while (stopRequested.getCount() > 0) {
                try {
                    failures = step(failures);
                } catch (RuntimeException e) {
                    log.error("worker loop error; carrying on", e);
                    failures++;
                    pause(backoff(failures));
                }
            }
        } finally {
            prefetcher.shutdownNow();
            runner.close();
            server.close();
            comfyUi.close();
            log.info("worker {} stopped", config.workerName());
            stopped.countDown();
        }
    }

    /** One claim and its job or pause; returns the count of consecutive server failures. */
    private int step(int failures) {
        ComfyUiHealth.Status status = health.current();
        if (status.reachable()) {
            runner.warmUp(); // the job that comes with the claim need not wait for the socket
        }
        ClaimRequest request = new ClaimRequest(config.workerName(), status.reachable(), status.checkpoints(),
                status.gpuName(), status.vramTotalBytes(), status.vramFreeBytes(), status.comfyUiVersion(),
                (int) config.claimWait().toSeconds());
        long started = System.nanoTime();
        Optional<ClaimedJob> job;
        try {
            job = claim(request, status);
        } catch (WorkerAuthException e) {
            log.error("the server refused this worker: {}", e.getMessage());
            pause(config.maxBackoff());
            return failures + 1;
        } catch (WorkerApiException e) {
            if (stopRequested.getCount() == 0) {
                return failures; // the claim was cut short by stop()
            }
            Duration backoff = backoff(failures + 1);
            if (failures == 0) {
                log.warn("cannot claim from the server ({}); retrying with back-off up to {} ms", e.getMessage(),
                        config.maxBackoff().toMillis());
            }
            pause(backoff);
            return failures + 1;
        }
        if (failures > 0) {
            log.info("the server answers again");
        }
        if (job.isPresent() && stopRequested.getCount() == 0) {
            runner.handBack(job.get(), "worker stopping");
            return 0;
        }
        if (job.isEmpty()) {
            // A long-poll claim that waited its time is followed at once; one answered early (no
            // long-poll on the server, ComfyUI down, or cancelled) is followed after the idle pause.
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            if (config.claimWait().isZero() || waited.compareTo(config.claimWait().minusSeconds(1)) < 0) {
                pause(config.idleInterval());
            }
            return 0;
        }
        lastStatus = status;
        runJobs(runner.start(job.get(), this::prefetch));
        return 0;
    }

    /** Finishes {@code first}, then each prefetched job in turn; a stopping loop hands the prefetched one back. */
    private void runJobs(Attempt first) {
        Attempt current = first;
        while (current != null) {
            JobReport report = current.finish();
            if (report.outcome() != JobReport.Outcome.SUCCEEDED) {
                health.invalidate();
            }
            current = takePrefetched();
            if (current != null && stopRequested.getCount() == 0) {
                current.abandon("worker stopping");
                current = null;
            }
        }
    }

    /**
     * The running prompt reached its last step: claim the next job (no long-poll) on the prefetch
     * thread and, if there is one, post it to ComfyUI behind the running prompt.
     */
    private void prefetch() {
        if (!config.prefetch() || stopRequested.getCount() == 0 || prefetched.get() != null) {
            return;
        }
        ComfyUiHealth.Status status = lastStatus;
        FutureTask<Attempt> task = new FutureTask<>(() -> {
            try {
                Attempt started = server.claim(new ClaimRequest(config.workerName(), true, status.checkpoints(),
                                status.gpuName(), status.vramTotalBytes(), status.vramFreeBytes(), status.comfyUiVersion(), 0))
                        .map(job -> runner.start(job, this::prefetch)).orElse(null);
                if (started != null) { // heartbeat it while it waits behind the running job
                    prefetchedKeepAlive = KeepAlive.start(started, prefetcher);
                }
                return started;
            } catch (WorkerApiException e) {
                log.info("could not prefetch the next job ({}); claiming after this one", e.getMessage());
                return null;
            }
        });
        if (prefetched.compareAndSet(null, task)) {
            try {
                prefetcher.execute(task);
            } catch (RejectedExecutionException e) {
                prefetched.set(null); // stopping
            }
        }
    }

    /** The prefetched job, once its prompt is posted; null when none was prefetched. Waits through interrupts. */
    private Attempt takePrefetched() {
        FutureTask<Attempt> task = prefetched.getAndSet(null);
        if (task == null) {
            return null;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    Attempt started = task.get();
                    KeepAlive keepAlive = prefetchedKeepAlive;
                    if (keepAlive != null) {
                        keepAlive.stop();
                        prefetchedKeepAlive = null;
                    }
                    return started;
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

    /**
     * Sends the claim and watches it while the server holds it. When the loop is asked to stop, or
     * ComfyUI's health changes (it went down, came back, or its checkpoints changed), the server is
     * asked to end the claim ({@code POST /claim/cancel}) so a fresh one can carry the news; a call
     * the server has not answered {@link #CLAIM_CANCEL_GRACE} later is abandoned.
     */
    private Optional<ClaimedJob> claim(ClaimRequest request, ComfyUiHealth.Status status) {
        CompletableFuture<Optional<ClaimedJob>> answer = server.claimAsync(request);
        long cancelledAt = 0;
        boolean cancelled = false;
        while (true) {
            try {
                return answer.get(CLAIM_WATCH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // still waiting: look at stop and health below
            } catch (ExecutionException e) {
                throw WorkerApiClient.unwrap(e.getCause(), "claim");
            } catch (InterruptedException e) { // stopNow(): end the claim on the server too, quickly
                answer.cancel(true);
                stopRequested.countDown();
                try {
                    server.cancelClaims(config.workerName());
                } catch (WorkerApiException ignored) {
                    // the claim's provisional lease covers a job leased to it anyway
                }
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            if (!cancelled && (stopRequested.getCount() == 0 || health.current().differsFrom(status))) {
                cancelled = true;
                cancelledAt = System.nanoTime();
                try {
                    server.cancelClaims(config.workerName());
                } catch (WorkerApiException e) {
                    log.info("could not end the waiting claim on the server ({}); abandoning it", e.getMessage());
                    cancelledAt -= CLAIM_CANCEL_GRACE.toNanos();
                }
            } else if (cancelled && System.nanoTime() - cancelledAt >= CLAIM_CANCEL_GRACE.toNanos()) {
                answer.cancel(true);
                return Optional.empty();
            }
        }
    }

    private Duration backoff(int failures) {
        Duration delay = config.idleInterval().multipliedBy(1L << Math.min(failures, 16));
        return delay.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : delay;
    }

    /** Sleeps, waking early on stop. */
    private void pause(Duration delay) {
        try {
            stopRequested.await(delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            stopRequested.countDown();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Asks the loop to end after the current job. A waiting long-poll claim is ended: the server
     * is asked to answer it ({@code POST /claim/cancel}), and if it has not answered within
     * {@link #CLAIM_CANCEL_GRACE} the call is abandoned. A job that arrives with the ending claim
     * is handed back unrun.
     */
    public void stop() {
        stopRequested.countDown();
    }

    /** Ends the loop and abandons the current job: its prompt is interrupted and the job handed back (no attempt used). */
    public void stopNow() {
        stop();
        Thread running = thread;
        if (running != null && stopped.getCount() > 0) {
            running.interrupt();
        }
    }

    /**
     * Waits for {@link #run()} to return.
     *
     * @return true when it returned (or never started), false after {@code timeout}
     */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return !started.get() || stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static String clientId(String workerName) {
        String safe = workerName.replaceAll("[^A-Za-z0-9._-]", "-");
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        return "t2i-" + safe + "-" + HexFormat.of().formatHex(random);
    }
}
