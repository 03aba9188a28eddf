package org.text2image.server.training;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.text2image.server.storage.ImageStore;
import org.text2image.worker.api.WorkerApiLimits;
import org.text2image.worker.training.DatasetUpload;

/**
 * The worker's side of LoRA trainings (docs/TRAINING.md, "Training jobs"): claim, heartbeat, the
 * dataset images, complete, fail, hand back, and the reaper. Same rules as generation jobs: every
 * call after claim is fenced by the attempt number (a stale call throws
 * {@link StaleTrainingAttemptException} and writes nothing), an issued token acts only for its own
 * worker's attempts ({@link NotYourTrainingException}), a claim is provisional until the first
 * heartbeat, and a failed attempt is retried while attempts remain.
 *
 * <p>{@code worker} parameters name the caller's worker when it has an issued token, or are null
 * for the configured token (which may act for any worker).
 *
 * <p>The allowance unit comes back exactly once, in the statement that ends the training FAILED or
 * CANCELLED; a fail while the user asked to cancel ends it CANCELLED.
 */
@Service
public class TrainingQueue {

    private static final Logger log = LoggerFactory.getLogger(TrainingQueue.class);
    /** PostgreSQL channel notified, on commit, when a training becomes QUEUED (submitted or re-queued). */
    public static final String QUEUED_CHANNEL = TrainingRows.QUEUED_CHANNEL;
    /** Most overdue attempts {@link #reapOverdue} handles in one transaction. */
    public static final int REAP_BATCH = 100;
    /** Most trainings one claim fails at claim time (dataset gone) before it answers with no work. */
    private static final int MAX_SKIPPED_PER_CLAIM = 10;

    private final TrainingRows rows;
    private final LoraDatasets datasets;
    private final LoraModels loras;
    private final TrainingSetup setup;
    private final TrainingMails mails;
    private final TrainingProperties properties;
    private final ImageStore store;
    private final Clock clock;

    TrainingQueue(TrainingRows rows, LoraDatasets datasets, LoraModels loras, TrainingSetup setup, TrainingMails mails,
                  TrainingProperties properties, ImageStore store, Clock clock) {
        this.rows = rows;
        this.datasets = datasets;
        this.loras = loras;
        this.setup = setup;
        this.mails = mails;
        this.properties = properties;
        this.store = store;
        this.clock = clock;
    }

    /**
     * Whether a worker may be given trainings: it said {@code train} and its GPU has at least
     * {@code min-vram-bytes} (a worker that did not report its VRAM is not eligible).
     */
    public boolean eligible(boolean train, Long vramTotalBytes) {
        return train && vramTotalBytes != null && vramTotalBytes >= properties.minVramBytes().toBytes();
    }

    /** Whether any training waits in the queue. */
    @Transactional(readOnly = true)
    public boolean hasQueued() {
        return rows.anyQueued();
    }

    /**
     * Leases the oldest queued training whose checkpoint the worker lists: RUNNING, attempt + 1, a
     * provisional lease of {@code claim-confirm-timeout}, a deadline of {@code attempt-timeout}. A
     * training whose dataset is gone or holds fewer than 5 images ends FAILED here (its allowance
     * given back) and the next is tried.
     *
     * @param checkpoints the checkpoint file names the worker's ComfyUI can load
     * @return the training with its rendered graph and images, or empty when there is none for the worker
     */
    @Transactional
    public Optional<LeasedTraining> claim(String workerName, List<String> checkpoints) {
        for (int skipped = 0; skipped < MAX_SKIPPED_PER_CLAIM; skipped++) {
            Instant now = clock.instant();
            Optional<TrainingRows.Locked> leased = rows.leaseNext(workerName, checkpoints, now,
                    now.plus(properties.claimConfirmTimeout()), now.plus(properties.attemptTimeout()));
            if (leased.isEmpty()) {
                return Optional.empty();
            }
            Training training = leased.get().training();
            List<DatasetImage> images = training.datasetId() == null ? List.of()
                    : datasets.images(training.datasetId(), training.userId(), false);
            if (images.size() < LoraDatasets.MIN_IMAGES) {
                end(training, TrainingStatus.FAILED, images.isEmpty() && training.datasetId() == null
                        ? "The dataset was deleted before the training started."
                        : "The dataset has " + images.size() + " images now; a training needs at least " + LoraDatasets.MIN_IMAGES + ".");
                continue;
            }
            try {
                LeasedTraining lease = new LeasedTraining(training.id(), training.attempt(), setup.render(training, training.attempt()),
                        training.id() + "-" + training.attempt(), properties.leaseTimeout(), properties.attemptTimeout(),
                        DatasetUpload.folderFor(training.id().toString(), training.attempt()),
                        TrainingSetup.loraPrefix(training.id(), training.attempt()), training.steps(), named(images));
                log.info("Training {} attempt {} leased to worker {}", training.id(), training.attempt(), workerName);
                return Optional.of(lease);
            } catch (RuntimeException e) {
                log.error("Training {} cannot be rendered", training.id(), e);
                end(training, TrainingStatus.FAILED, "The training could not be prepared: the site's training setup is broken.");
            }
        }
        return Optional.empty();
    }

    /** The images with the names the worker uploads them under: {@code img01.png}, {@code img02.jpg}, … */
    static List<LeasedTraining.Image> named(List<DatasetImage> images) {
        return java.util.stream.IntStream.range(0, images.size()).mapToObj(i -> {
            DatasetImage image = images.get(i);
            String extension = switch (image.contentType()) {
                case "image/jpeg" -> ".jpg";
                case "image/webp" -> ".webp";
                default -> ".png";
            };
            return new LeasedTraining.Image(image.id(), "img%02d%s".formatted(i + 1, extension), image.contentType(),
                    image.caption() == null ? "" : image.caption());
        }).toList();
    }

    /**
     * Extends the lease of the current attempt (the first heartbeat confirms the claim) and records
     * the training steps done.
     *
     * @return the holding worker, and whether the user asked to cancel (the worker then interrupts
     *     ComfyUI and calls fail)
     * @throws StaleTrainingAttemptException when the caller no longer holds the training, or its deadline passed
     * @throws NotYourTrainingException when the attempt is leased to another worker than the caller's token's
     */
    @Transactional
    public Heartbeat heartbeat(UUID id, int attempt, String worker, int step, int totalSteps) {
        Instant now = clock.instant();
        int total = Math.max(0, totalSteps);
        return rows.extendLease(id, attempt, worker, now, now.plus(properties.leaseTimeout()), Math.clamp(step, 0, total), total)
                .orElseThrow(() -> refusal(id, attempt, worker));
    }

    /**
     * What a heartbeat found.
     *
     * @param workerName the worker holding the attempt
     * @param cancelRequested whether the user asked to cancel
     */
    public record Heartbeat(String workerName, boolean cancelRequested) {
    }

    /** How long a heartbeat extends the lease. */
    public Duration leaseTimeout() {
        return properties.leaseTimeout();
    }

    /**
     * A dataset image of the attempt the caller holds, for the worker to upload to its ComfyUI.
     * Fenced like a heartbeat, but reads only.
     *
     * @return the image's content type and bytes; empty when the image is not in the training's
     *     dataset (or its file is gone)
     * @throws TrainingNotFoundException when there is no such training
     * @throws StaleTrainingAttemptException when the training is not RUNNING under {@code attempt}
     * @throws NotYourTrainingException when the attempt is leased to another worker than the caller's token's
     */
    @Transactional(readOnly = true)
    public Optional<ImageContent> image(UUID id, int attempt, String worker, UUID imageId) {
        Training training = rows.find(id).orElseThrow(() -> new TrainingNotFoundException(id));
        if (training.status() != TrainingStatus.RUNNING || training.attempt() != attempt) {
            throw new StaleTrainingAttemptException(id, attempt);
        }
        if (worker != null && !worker.equals(training.workerName())) {
            throw new NotYourTrainingException(id, attempt);
        }
        if (training.datasetId() == null) {
            return Optional.empty();
        }
        return datasets.imageFile(training.datasetId(), imageId, training.userId(), false)
                .map(file -> new ImageContent(file.image().contentType(), file.resource()));
    }

    /** A dataset image's content type and bytes (not read yet). */
    public record ImageContent(String contentType, Resource resource) {
    }

    /**
     * Stores the attempt's LoRA: checks it is a safetensors file of at most {@code max-lora-bytes},
     * stores it under {@code lora-models/<user>/<lora id>.safetensors} with its SHA-256, records the
     * LoRA, marks the training SUCCEEDED and mails the owner, in one transaction (the file is removed
     * again if it does not commit). A training the user asked to cancel ends CANCELLED instead,
     * nothing stored.
     *
     * @param file the uploaded file, on local disk (the caller deletes it afterwards)
     * @return {@code SUCCEEDED}, or {@code CANCELLED}
     * @throws InvalidLoraFileException when the file is not a safetensors file or too large: nothing
     *     stored, the training still RUNNING
     * @throws StaleTrainingAttemptException when the attempt no longer holds the training (a passed
     *     deadline also fails the attempt, and that stands)
     * @throws NotYourTrainingException when the attempt is leased to another worker than the caller's token's
     */
    @Transactional(noRollbackFor = StaleTrainingAttemptException.class)
    public TrainingStatus complete(UUID id, int attempt, String worker, Path file) {
        TrainingRows.Locked locked = fenced(id, attempt, worker);
        Training training = locked.training();
        Instant now = clock.instant();
        if (!locked.deadline().isAfter(now)) {
            applyFailure(training, timeoutMessage(), true);
            throw new StaleTrainingAttemptException(id, attempt);
        }
        if (training.cancelRequested()) {
            end(training, TrainingStatus.CANCELLED, "Cancelled by you.");
            return TrainingStatus.CANCELLED;
        }
        String sha256 = SafetensorsCheck.check(file, properties.maxLoraBytes().toBytes());
        UUID loraId = UUID.randomUUID();
        String key = "lora-models/" + training.userId() + "/" + loraId + ".safetensors";
        deleteOnRollback(key);
        store.put(key, file);
        long size;
        try {
            size = Files.size(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        loras.insert(loraId, training.userId(), training.id(), training.name(), training.triggerWord(),
                training.baseModelId(), training.checkpoint(), key, sha256, size, now);
        if (!rows.markSucceeded(id, attempt, now)) { // cannot happen: the row is locked and was RUNNING under this attempt
            throw new IllegalStateException("Training " + id + " attempt " + attempt + " changed under its lock");
        }
        mails.ready(training);
        log.info("Training {} attempt {} succeeded: LoRA {} ({} bytes, sha256 {})", id, attempt, loraId, size, sha256);
        return TrainingStatus.SUCCEEDED;
    }

    /**
     * Records a failed attempt: QUEUED again while the error is retryable and attempts remain, else
     * FAILED with the allowance given back; CANCELLED (allowance given back) when the user asked to cancel.
     *
     * @param reason shown to the user; blank gives a generic sentence; cut at
     *     {@value WorkerApiLimits#MAX_FAIL_REASON_CHARS} characters
     * @return {@code QUEUED}, {@code FAILED} or {@code CANCELLED}
     * @throws StaleTrainingAttemptException when the attempt no longer holds the training
     * @throws NotYourTrainingException when the attempt is leased to another worker than the caller's token's
     */
    @Transactional
    public TrainingStatus fail(UUID id, int attempt, String worker, String reason, boolean retryable) {
        Training training = fenced(id, attempt, worker).training();
        return applyFailure(training, reason == null || reason.isBlank() ? "The worker reported an error." : reason, retryable);
    }

    /**
     * Gives a claimed training back unfinished (its worker is stopping): QUEUED without using up an
     * attempt; after {@code max-handbacks} a further one counts as a failed, retryable attempt.
     *
     * @return {@code QUEUED}, or as {@link #fail} when that further failure was the last attempt
     * @throws StaleTrainingAttemptException when the attempt no longer holds the training
     * @throws NotYourTrainingException when the attempt is leased to another worker than the caller's token's
     */
    @Transactional
    public TrainingStatus handBack(UUID id, int attempt, String worker, String reason) {
        Training training = fenced(id, attempt, worker).training();
        return applyHandBack(training, "The worker gave the training back: "
                + (reason == null || reason.isBlank() ? "handed back" : reason));
    }

    /**
     * Fails every running attempt whose lease expired or whose deadline passed, as retryable
     * failures; a claim never confirmed by a heartbeat is handed back instead. Rows are taken with
     * {@code FOR UPDATE SKIP LOCKED}, so several instances may run it at once.
     *
     * @return how many attempts were handled, at most {@value #REAP_BATCH}
     */
    @Transactional
    public int reapOverdue() {
        Instant now = clock.instant();
        List<TrainingRows.Locked> overdue = rows.lockOverdue(now, REAP_BATCH);
        for (TrainingRows.Locked locked : overdue) {
            if (!locked.deadline().isAfter(now)) {
                applyFailure(locked.training(), timeoutMessage(), true);
            } else if (!locked.leaseConfirmed()) {
                applyHandBack(locked.training(), "The worker did not confirm its claim.");
            } else {
                applyFailure(locked.training(), "The worker stopped responding.", true);
            }
        }
        return overdue.size();
    }

    private TrainingRows.Locked fenced(UUID id, int attempt, String worker) {
        TrainingRows.Locked locked = rows.lock(id)
                .filter(row -> row.training().status() == TrainingStatus.RUNNING && row.training().attempt() == attempt)
                .orElseThrow(() -> new StaleTrainingAttemptException(id, attempt));
        if (worker != null && !worker.equals(locked.training().workerName())) {
            throw new NotYourTrainingException(id, attempt);
        }
        return locked;
    }

    private RuntimeException refusal(UUID id, int attempt, String worker) {
        boolean others = worker != null && rows.find(id).filter(t -> t.status() == TrainingStatus.RUNNING
                && t.attempt() == attempt && !worker.equals(t.workerName())).isPresent();
        return others ? new NotYourTrainingException(id, attempt) : new StaleTrainingAttemptException(id, attempt);
    }

    private TrainingStatus applyHandBack(Training training, String reason) {
        if (training.handbacks() >= properties.maxHandbacks()) {
            return applyFailure(training, reason + " (given back " + training.handbacks() + " times already)", true);
        }
        rows.handBack(training.id(), training.attempt());
        rows.notifyQueued();
        log.info("Training {} attempt {} back in the queue, no attempt used: {}", training.id(), training.attempt(), reason);
        return TrainingStatus.QUEUED;
    }

    private TrainingStatus applyFailure(Training training, String reason, boolean retryable) {
        String error = reason.length() > WorkerApiLimits.MAX_FAIL_REASON_CHARS
                ? reason.substring(0, WorkerApiLimits.MAX_FAIL_REASON_CHARS) : reason;
        if (training.cancelRequested()) {
            end(training, TrainingStatus.CANCELLED, "Cancelled by you.");
            return TrainingStatus.CANCELLED;
        }
        if (retryable && training.attemptsUsed() < training.maxAttempts()) {
            rows.requeue(training.id(), training.attempt(), error);
            rows.notifyQueued();
            log.warn("Training {} attempt {} failed, will retry: {}", training.id(), training.attempt(), error);
            return TrainingStatus.QUEUED;
        }
        end(training, TrainingStatus.FAILED, error);
        return TrainingStatus.FAILED;
    }

    /** Ends the running attempt FAILED or CANCELLED; the same statement gives the allowance back. */
    private void end(Training training, TrainingStatus status, String message) {
        if (rows.end(training.id(), training.attempt(), status, message, clock.instant())) {
            log.warn("Training {} ended {} after attempt {}; allowance given back: {}", training.id(), status,
                    training.attempt(), message);
        }
    }

    private String timeoutMessage() {
        long minutes = properties.attemptTimeout().toMinutes();
        return "The attempt took longer than " + (minutes >= 1 ? minutes + " minutes" : properties.attemptTimeout().toSeconds() + " seconds") + ".";
    }

    private void deleteOnRollback(String key) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                if (status != STATUS_COMMITTED) {
                    store.delete(key);
                }
            }
        });
    }
}
