package org.text2image.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.ClaimedTraining;
import org.text2image.worker.api.Heartbeat;
import org.text2image.worker.api.HeartbeatResponse;
import org.text2image.worker.comfyui.ComfyUiClient;
import org.text2image.worker.comfyui.ComfyUiException;
import org.text2image.worker.comfyui.PromptRun;
import org.text2image.worker.training.LoraTrainer;
import org.text2image.worker.training.TrainedLora;
import org.text2image.worker.training.TrainingCancelledException;
import org.text2image.worker.training.TrainingDataset;
import org.text2image.worker.training.TrainingFailedException;
import org.text2image.worker.training.TrainingImage;

/**
 * Runs a claimed LoRA training ({@link ClaimedJob#isTraining()}) to its end, on the calling thread,
 * with the {@code /trainings/} paths of the worker API (docs/TRAINING.md, "Training jobs"):
 *
 * <ol>
 *   <li>a heartbeat at once (the claim is provisional until then), then one every heartbeat interval
 *       (at most a third of the lease) on a thread of its own, carrying the training steps
 *       ({@code TrainLoraNode}'s {@code progress}: step of total, 0 of 0 before the first);
 *   <li>the dataset's images downloaded into a temporary folder
 *       ({@code GET /trainings/{id}/images/{imageId}}), named as the claim names them, with their captions;
 *   <li>{@link LoraTrainer} with the claim's workflow and prompt id, at most the claim's
 *       {@code timeoutSeconds};
 *   <li>the LoRA file uploaded ({@code POST /trainings/{id}/complete}, multipart {@code attempt} and
 *       {@code lora}, streamed from disk).
 * </ol>
 * Ends: a heartbeat answered {@code cancelRequested} → {@link LoraTrainer#cancel()}, then
 * {@code /fail} "Cancelled" (not retryable); answered 409 → cancel, nothing reported; a
 * {@link TrainingFailedException} → {@code /fail} with its {@link TrainingFailedException#retryable()};
 * a dataset image the server does not send (404) → not retryable, the server unreachable → retryable;
 * the worker stopping (the thread interrupted) → the prompt interrupted and {@code /handback}. The
 * temporary folder is deleted at the end.
 */
public final class TrainingRunner {

    private static final Logger log = LoggerFactory.getLogger(TrainingRunner.class);
    /** The reason a training cancelled by its owner is failed with. */
    public static final String CANCELLED = "Cancelled";
    private static final Duration BEAT_THREAD_JOIN = Duration.ofSeconds(2);

    private final ComfyUiClient comfyUi;
    private final ServerReporter reporter;
    private final WorkerApiClient server;
    private final String clientId;
    private final Heartbeats intervals;
    private final PromptRun.Timing timing;
    private final Clock clock;

    /**
     * @param clientId the ComfyUI {@code client_id} training prompts are posted with: one of their
     *     own, so the socket they open does not replace the job runner's
     */
    TrainingRunner(ComfyUiClient comfyUi, WorkerApiClient server, ServerReporter reporter, String clientId,
                   Duration heartbeatInterval, PromptRun.Timing timing, Clock clock) {
        this.comfyUi = Objects.requireNonNull(comfyUi, "comfyUi");
        this.server = Objects.requireNonNull(server, "server");
        this.reporter = Objects.requireNonNull(reporter, "reporter");
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.intervals = new Heartbeats(reporter, heartbeatInterval);
        this.timing = Objects.requireNonNull(timing, "timing");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param comfyUi the ComfyUI to train on
     * @param server the worker API
     * @param clientId this worker's ComfyUI {@code client_id}; trainings use it with {@code -train} appended
     * @param heartbeatInterval time between heartbeats (at most a third of the lease is used)
     * @param timing how the prompt is followed
     * @param clock measures the attempt
     */
    public TrainingRunner(ComfyUiClient comfyUi, WorkerApiClient server, String clientId, Duration heartbeatInterval,
                          PromptRun.Timing timing, Clock clock) {
        this(comfyUi, server, new ServerReporter(server, clock), clientId + "-train", heartbeatInterval, timing, clock);
    }

    /**
     * Runs the training attempt and reports it; never throws for training-level failures. An
     * interrupt of the calling thread (the worker stopping) hands it back and is kept.
     */
    public JobReport run(ClaimedJob job) {
        if (!job.isTraining()) {
            throw new IllegalArgumentException("not a training claim: " + job.jobId());
        }
        Instant startedAt = clock.instant();
        AttemptResult result = attempt(job);
        Duration elapsed = Duration.between(startedAt, clock.instant());
        JobReport report = JobReport.of(job, result, elapsed);
        log.info("training {} attempt {} {} in {} s: {}", job.jobId(), job.attempt(), report.outcome(),
                String.format(Locale.ROOT, "%.1f", elapsed.toMillis() / 1000.0), report.detail().replaceAll("\\s+", " "));
        return report;
    }

    /** Gives a claimed training back without running it (the worker is stopping); no attempt is used. */
    public JobReport handBack(ClaimedJob job, String reason) {
        AttemptResult result = reporter.handBackTraining(job, reason);
        log.info("training {} attempt {} {}: {}", job.jobId(), job.attempt(), result.outcome(), result.detail());
        return JobReport.of(job, result, Duration.ZERO);
    }

    private AttemptResult attempt(ClaimedJob job) {
        Progress progress = new Progress(job);
        Path dir = null;
        try {
            progress.beat(); // confirms the claim
            Optional<AttemptResult> early = progress.stopped();
            if (early.isPresent()) {
                return early.get();
            }
            dir = Files.createTempDirectory("t2i-training-");
            LoraTrainer trainer = new LoraTrainer(comfyUi, clientId, timing,
                    Duration.ofSeconds(Math.max(1, job.timeoutSeconds())), dir, clock);
            progress.start(trainer, intervals.interval(job));
            TrainingDataset dataset = download(job, Files.createDirectory(dir.resolve("dataset")), progress);
            if (dataset == null) {
                return progress.stopped().orElseThrow();
            }
            TrainedLora lora = trainer.train(dataset, job.workflow(), job.promptId(), progress::onStep);
            progress.end();
            return progress.stopped().orElseGet(() -> reporter.completeTraining(job, lora.filename(), lora.file()));
        } catch (TrainingCancelledException e) {
            progress.end();
            return progress.stopped().orElseGet(() -> Thread.currentThread().isInterrupted() ? handBackStopped(job)
                    : reporter.failTraining(job, e.getMessage(), true));
        } catch (TrainingFailedException e) {
            progress.end();
            return stoppedOr(job, progress, () -> reporter.failTraining(job, e.getMessage(), e.retryable()));
        } catch (InterruptedException e) {
            progress.end();
            return handBackStopped(job);
        } catch (StaleAttemptException e) {
            progress.end();
            return AttemptResult.stopped("attempt no longer ours: " + e.getMessage());
        } catch (WorkerApiUnavailableException e) {
            progress.end();
            return stoppedOr(job, progress, () -> reporter.failTraining(job,
                    "could not fetch the dataset from the server: " + e.getMessage(), true));
        } catch (WorkerApiException e) {
            progress.end();
            return stoppedOr(job, progress, () -> reporter.failTraining(job,
                    "the server did not send the dataset: " + e.getMessage(), false));
        } catch (IOException | RuntimeException e) {
            progress.end();
            if (!(e instanceof ComfyUiException)) {
                log.error("training {} attempt {} hit a worker error", job.jobId(), job.attempt(), e);
            }
            return stoppedOr(job, progress, () -> reporter.failTraining(job, "worker error: " + e, true));
        } finally {
            progress.end();
            deleteTree(dir);
        }
    }

    /** How the attempt ended when the server said stop or the worker is stopping, else {@code failure}. */
    private AttemptResult stoppedOr(ClaimedJob job, Progress progress, java.util.function.Supplier<AttemptResult> failure) {
        Optional<AttemptResult> stopped = progress.stopped();
        if (stopped.isPresent()) {
            return stopped.get();
        }
        return Thread.currentThread().isInterrupted() ? handBackStopped(job) : failure.get();
    }

    /** The worker is stopping: the prompt is taken off ComfyUI and the training handed back; the interrupt is kept. */
    private AttemptResult handBackStopped(ClaimedJob job) {
        Thread.interrupted(); // the hand-back must be sent
        try {
            stopPrompt(job.promptId());
            return reporter.handBackTraining(job, "worker stopped");
        } finally {
            Thread.currentThread().interrupt();
        }
    }

    private void stopPrompt(String promptId) {
        try {
            comfyUi.deleteFromQueue(List.of(promptId));
            comfyUi.interrupt(promptId);
        } catch (ComfyUiException e) {
            log.warn("could not stop training prompt {} on ComfyUI: {}", promptId, e.getMessage());
        }
    }

    /**
     * The dataset's images into {@code folder}, each under its claimed name with its caption; null
     * when the server said stop meanwhile.
     */
    private TrainingDataset download(ClaimedJob job, Path folder, Progress progress) throws InterruptedException {
        ClaimedTraining training = job.training();
        List<TrainingImage> images = new ArrayList<>();
        for (ClaimedTraining.Image image : training.images()) {
            if (progress.stopped().isPresent()) {
                return null;
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("worker stopping");
            }
            TrainingImage local;
            try {
                local = new TrainingImage(image.name(), folder.resolve(image.name()),
                        image.caption() == null || image.caption().isBlank() ? Optional.empty() : Optional.of(image.caption()));
            } catch (RuntimeException e) { // InvalidPathException or a name TrainingImage refuses
                throw new TrainingFailedException("the server named a dataset image '" + image.name()
                        + "', which is not a plain image file name", false, e);
            }
            if (!local.file().getParent().equals(folder)) {
                throw new TrainingFailedException("the server named a dataset image '" + image.name()
                        + "', which is not a plain image file name", false, null);
            }
            server.trainingImage(job.jobId(), image.id(), job.attempt(), local.file());
            images.add(local);
        }
        return new TrainingDataset(images);
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            log.warn("could not delete the training folder {}: {}", dir, e.getMessage());
        }
    }

    /**
     * One attempt's progress and what the server said: the last training step, heartbeats on a
     * thread of their own, and whether a heartbeat asked to cancel or answered 409. Thread-safe.
     */
    private final class Progress {

        private final ClaimedJob job;
        private final CountDownLatch ended = new CountDownLatch(1);
        private volatile int step;
        private volatile int total;
        private volatile boolean cancelRequested;
        private volatile String stale;
        private volatile LoraTrainer trainer;
        private Thread beats;
        private AttemptResult stoppedResult; // the attempt's thread only

        Progress(ClaimedJob job) {
            this.job = job;
        }

        void onStep(int step, int total) {
            this.step = step;
            this.total = total;
        }

        /** Starts the heartbeat thread; a cancel or 409 already known stops {@code trainer} before it queues. */
        void start(LoraTrainer trainer, Duration interval) {
            this.trainer = trainer;
            if (cancelRequested || stale != null) {
                cancelTrainer();
            }
            beats = Thread.ofVirtual().name("training-heartbeats-" + job.jobId()).start(() -> {
                try {
                    while (!ended.await(interval.toNanos(), TimeUnit.NANOSECONDS)) {
                        beat();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }

        /** One heartbeat: a {@code cancelRequested} answer or a 409 stops the trainer. */
        void beat() {
            try {
                HeartbeatResponse answer = reporter.trainingHeartbeat(job, new Heartbeat(job.attempt(), step, total, true));
                if (answer.cancelRequested() && !cancelRequested) {
                    cancelRequested = true;
                    log.info("training {} attempt {}: cancel requested, interrupting", job.jobId(), job.attempt());
                    cancelTrainer();
                }
            } catch (StaleAttemptException e) {
                if (stale == null) {
                    stale = e.getMessage();
                    cancelTrainer();
                }
            } catch (WorkerApiException e) {
                log.warn("heartbeat for training {} attempt {} failed: {}", job.jobId(), job.attempt(), e.getMessage());
            }
        }

        private void cancelTrainer() {
            LoraTrainer running = trainer;
            if (running == null) {
                return;
            }
            try {
                running.cancel();
            } catch (ComfyUiException e) {
                log.warn("could not interrupt training {} on ComfyUI: {}", job.jobId(), e.getMessage());
            }
        }

        /** Ends the heartbeats (waits briefly for one under way). Idempotent. */
        void end() {
            ended.countDown();
            Thread running = beats;
            if (running != null && running != Thread.currentThread()) {
                try {
                    running.join(BEAT_THREAD_JOIN);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /**
         * How the attempt ends because the server said so: nothing reported after a 409, "Cancelled"
         * (reported once) after a cancel; empty otherwise. Called on the attempt's thread only.
         */
        Optional<AttemptResult> stopped() {
            if (stoppedResult == null) {
                if (stale != null) {
                    stoppedResult = AttemptResult.stopped("attempt no longer ours: " + stale);
                } else if (cancelRequested) {
                    stoppedResult = reporter.failTraining(job, CANCELLED, false);
                }
            }
            return Optional.ofNullable(stoppedResult);
        }
    }
}
