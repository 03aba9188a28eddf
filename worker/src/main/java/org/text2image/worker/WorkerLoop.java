package org.text2image.worker;

import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.comfyui.ComfyUiClient;
import org.text2image.worker.comfyui.PromptRun;

/**
 * The worker's pull loop, run until shutdown: check ComfyUI's health (cached), claim with
 * {@code backendReachable} and the installed checkpoints — a long-poll claim the server holds up to
 * {@link WorkerConfig#claimWait()} until a job arrives ({@link ClaimWait}) — and run the job with
 * {@link JobRunner}, then any job {@link Prefetch} claimed meanwhile; a LoRA training claim (only
 * with {@link WorkerConfig#train()}) runs with {@link TrainingRunner} instead, without prefetch.
 * Claims say {@code train} and {@code loras} as the config does; users' LoRAs are kept by a
 * {@link LoraCache} when {@link WorkerConfig#lorasDir()} is set. With {@link WorkerConfig#comfyUiDir()}
 * each attempt's files are deleted from ComfyUI's {@code input/} and {@code output/} when it ends
 * ({@link ComfyUiFolders}). While the server is
 * unreachable it backs off, doubling the pause up to {@link WorkerConfig#maxBackoff()}, and keeps
 * trying.
 *
 * <p>Run it on a thread of the caller's ({@code new Thread(loop).start()}). {@link #stop()} ends
 * the loop after the current job (a waiting claim is cancelled, a job arriving with it handed back,
 * a prefetched job handed back and its prompt removed from ComfyUI); {@link #stopNow()} also
 * interrupts the thread, which stops the current prompt and hands the job back (queued again, no
 * attempt used). {@link #awaitStopped} waits for the end.
 */
public final class WorkerLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(WorkerLoop.class);

    private final WorkerConfig config;
    private final WorkerApiClient server;
    private final ComfyUiClient comfyUi;
    private final ComfyUiHealth health;
    private final JobRunner runner;
    private final TrainingRunner trainings;
    private final LoraCache loras;
    private final ComfyUiFolders folders;
    private final String clientId;
    private final StopSignal stop = new StopSignal();
    private final ClaimWait claimWait;
    private final Prefetch prefetch;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Thread thread;

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
        this.loras = config.keepsLoras() ? new LoraCache(config.lorasDir(), config.loraCacheBytes(), server, clock) : null;
        this.folders = ComfyUiFolders.of(config.comfyUiDir());
        this.runner = new JobRunner(comfyUi, server, clientId, config.heartbeatInterval(), timing, clock, loras, folders);
        this.trainings = new TrainingRunner(comfyUi, server, clientId, config.heartbeatInterval(), timing, clock);
        this.claimWait = new ClaimWait(server, health, stop);
        this.prefetch = new Prefetch(config, server, runner, stop);
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
            while (!stop.requested()) {
                try {
                    failures = step(failures);
                } catch (RuntimeException e) {
                    log.error("worker loop error; carrying on", e);
                    failures++;
                    stop.pause(backoff(failures));
                }
            }
        } finally {
            prefetch.close();
            runner.close();
            server.close();
            comfyUi.close();
            log.info("worker {} stopped", config.workerName());
            stopped.countDown();
        }
    }

    /** One claim and its jobs, or a pause; returns the count of consecutive server failures. */
    private int step(int failures) {
        ComfyUiHealth.Status status = health.current();
        if (status.reachable()) {
            runner.warmUp(); // the job that comes with the claim need not wait for the socket
        }
        long waitStart = System.nanoTime();
        Optional<ClaimedJob> job;
        try {
            job = claimWait.claim(status.claim(config.workerName(), (int) config.claimWait().toSeconds())
                    .withCapabilities(config.train(), config.keepsLoras()), status);
        } catch (WorkerApiException e) {
            return claimFailed(failures, e);
        }
        if (failures > 0) {
            log.info("the server answers again");
        }
        if (job.isEmpty()) {
            idle(Duration.ofNanos(System.nanoTime() - waitStart));
        } else if (job.get().isTraining()) {
            runTraining(job.get());
        } else if (stop.requested()) {
            runner.handBack(job.get(), "worker stopping");
        } else {
            runJobs(runner.start(job.get(), prefetch.hook(status)));
        }
        return 0;
    }

    /** A LoRA training: run to its end on this thread (no prefetch), or handed back when stopping. */
    private void runTraining(ClaimedJob training) {
        if (loras != null) {
            loras.forget(training.removedLoras());
        }
        if (stop.requested()) {
            trainings.handBack(training, "worker stopping");
            return;
        }
        JobReport report;
        try {
            report = trainings.run(training);
        } finally {
            folders.afterTraining(training);
        }
        if (report.outcome() != JobReport.Outcome.SUCCEEDED) {
            health.invalidate();
        }
    }

    /** Backs off after a claim the server did not answer; returns the new count of consecutive failures. */
    private int claimFailed(int failures, WorkerApiException e) {
        if (e instanceof WorkerAuthException) {
            log.error("the server refused this worker: {}", e.getMessage());
            stop.pause(config.maxBackoff());
            return failures + 1;
        }
        if (stop.requested()) {
            return failures; // the claim was cut short by stop()
        }
        if (failures == 0) {
            log.warn("cannot claim from the server ({}); retrying with back-off up to {} ms", e.getMessage(),
                    config.maxBackoff().toMillis());
        }
        stop.pause(backoff(failures + 1));
        return failures + 1;
    }

    /**
     * No job: a long-poll claim that waited its time is followed at once; one answered early (no
     * long-poll on the server, ComfyUI down, or cancelled) is followed after the idle pause.
     */
    private void idle(Duration waited) {
        if (config.claimWait().isZero() || waited.compareTo(config.claimWait().minusSeconds(1)) < 0) {
            stop.pause(config.idleInterval());
        }
    }

    /** Finishes {@code first}, then each prefetched attempt in turn; a stopping loop hands the prefetched one back. */
    private void runJobs(Attempt first) {
        Attempt current = first;
        while (current != null) {
            JobReport report;
            try {
                report = current.finish();
            } finally {
                folders.afterJob(current.job());
            }
            if (report.outcome() != JobReport.Outcome.SUCCEEDED) {
                health.invalidate();
            }
            current = prefetch.take();
            if (current != null && stop.requested()) {
                current.abandon("worker stopping");
                folders.afterJob(current.job());
                current = null;
            }
        }
    }

    private Duration backoff(int failures) {
        Duration delay = config.idleInterval().multipliedBy(1L << Math.min(failures, 16));
        return delay.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : delay;
    }

    /**
     * Asks the loop to end after the current job. A waiting long-poll claim is ended: the server
     * is asked to answer it ({@code POST /claim/cancel}), and if it has not answered within
     * {@link ClaimWait#CANCEL_GRACE} the call is abandoned. A job that arrives with the ending claim
     * is handed back unrun.
     */
    public void stop() {
        stop.request();
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
