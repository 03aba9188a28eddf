package org.text2image.server.generation.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.modulith.NamedInterface;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.generation.AttemptEnded;
import org.text2image.server.generation.AttemptTimedOutException;
import org.text2image.server.generation.DirectUpload;
import org.text2image.server.generation.DirectUploadOffException;
import org.text2image.server.generation.ExtendedLease;
import org.text2image.server.generation.GenerationProperties;
import org.text2image.server.generation.InvalidUploadException;
import org.text2image.server.generation.JobEnded;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.generation.LeasedJob;
import org.text2image.server.generation.NotYourJobException;
import org.text2image.server.generation.StaleAttemptException;
import org.text2image.server.generation.UploadedImage;
import org.text2image.server.generation.UploadedVideo;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.settings.LiveSettings;
import org.text2image.server.support.LogContext;
import org.text2image.server.support.Plurals;
import org.text2image.server.training.LoraModel;
import org.text2image.server.training.LoraModels;
import org.text2image.worker.api.WorkerApiLimits;
import tools.jackson.databind.node.ObjectNode;

/**
 * The worker's side of generation: claim, heartbeat, complete, fail, hand back, and the reaper for
 * expired leases and timed-out attempts (docs/ARCHITECTURE.md, "The job lifecycle"). It speaks
 * domain types; the worker API controller translates the wire records.
 *
 * <p>Every call after claim is fenced by the attempt number: only the current attempt of a
 * RUNNING job changes anything; a stale or duplicate call throws {@link StaleAttemptException}
 * and writes nothing. A caller with an issued token may act only on attempts leased to its worker
 * name ({@link NotYourJobException} otherwise). Completion stores the images, marks the job
 * SUCCEEDED and captures the hold in one transaction; failure re-queues the job while attempts
 * remain, else marks it FAILED and releases the hold. Either publishes {@link AttemptEnded} in
 * that transaction.
 */
@Service
@NamedInterface("queue")
public class JobQueue {

    private static final Logger log = LoggerFactory.getLogger(JobQueue.class);
    /** PostgreSQL channel notified, on commit, when a job becomes QUEUED: submitted or re-queued (migration V4). */
    public static final String QUEUED_CHANNEL = "generation_job_queued";
    /** PostgreSQL channel notified with a job's id when its status, attempt, progress or preview changes (migration V9). */
    public static final String CHANGED_CHANNEL = "generation_job_changed";
    /** Most overdue attempts {@link #reapOverdue} handles in one transaction. */
    public static final int REAP_BATCH = 100;

    private final JobRepository jobs;
    private final Dispatcher dispatcher;
    private final CreditLedger ledger;
    private final UploadedImages uploads;
    private final UploadedVideos videoUploads;
    private final DirectUploadedImages directUploads;
    private final WorkflowRenderer renderer;
    private final AttemptLog attempts;
    private final ApplicationEventPublisher events;
    private final GenerationProperties properties;
    private final LiveSettings settings;
    private final Clock clock;
    private final QueueMetrics metrics;
    private final LoraModels loras;

    JobQueue(JobRepository jobs, Dispatcher dispatcher, CreditLedger ledger, UploadedImages uploads, UploadedVideos videoUploads,
             DirectUploadedImages directUploads, WorkflowRenderer renderer, AttemptLog attempts, ApplicationEventPublisher events,
             GenerationProperties properties, LiveSettings settings, Clock clock, QueueMetrics metrics, LoraModels loras) {
        this.jobs = jobs;
        this.loras = loras;
        this.metrics = metrics;
        this.attempts = attempts;
        this.dispatcher = dispatcher;
        this.ledger = ledger;
        this.uploads = uploads;
        this.videoUploads = videoUploads;
        this.directUploads = directUploads;
        this.renderer = renderer;
        this.events = events;
        this.properties = properties;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Leases the next queued job the worker can run, chosen by the {@link Dispatcher} (capability,
     * priority, aging, fair share, model affinity): RUNNING, attempt + 1, deadline set, and a
     * provisional lease of {@code claim-confirm-timeout} that the worker's first heartbeat confirms.
     * The deadline is the job's own attempt timeout (a video model's, fixed at submit) or else the
     * attempt timeout of the live settings at the time of the claim.
     * Answers at once; long-poll claims are held by the worker API.
     *
     * @param checkpoints the checkpoint file names the worker's ComfyUI can load; it gets jobs for
     *     those and jobs that need no checkpoint
     * @return the job with its rendered workflow, or empty when there is no work for the worker
     */
    @Transactional
    public Optional<LeasedJob> claim(String workerName, List<String> checkpoints) {
        return claim(workerName, checkpoints, false);
    }

    /**
     * {@link #claim(String, List)} for a worker that may keep users' LoRAs: only such a worker gets
     * jobs made with one. The leased job names the LoRA files its workflow loads and, for every
     * worker, the hashes of LoRAs deleted lately ({@link LoraModels#removedSince()}). A job whose
     * LoRA was deleted since it was submitted fails (MODEL_WITHDRAWN, hold released) and the claim
     * answers empty.
     *
     * @param keepsLoras whether the worker said {@code loras} in its claim
     */
    @Transactional
    public Optional<LeasedJob> claim(String workerName, List<String> checkpoints, boolean keepsLoras) {
        Instant now = clock.instant();
        Duration attemptTimeout = settings.current().attemptTimeout();
        Optional<JobRow> leased = dispatcher.leaseNext(workerName, checkpoints, keepsLoras, now,
                now.plus(properties.claimConfirmTimeout()), now.plus(attemptTimeout));
        if (leased.isEmpty()) {
            return Optional.empty();
        }
        JobRow job = leased.get();
        try (LogContext.Scope context = LogContext.job(job.id(), job.userId())) {
            attempts.started(job.id(), job.attempt(), workerName, now);
            metrics.claimed(job, now);
            Optional<ObjectNode> workflow;
            try {
                workflow = renderer.render(job);
            } catch (WorkflowRenderer.InputImageGoneException | WorkflowRenderer.LoraUnusableException e) {
                applyFailure(job, e.getMessage(), false, FailureCategory.MODEL_WITHDRAWN);
                return Optional.empty();
            }
            if (workflow.isEmpty()) {
                applyFailure(job, "The model \"" + job.parameters().modelId() + "\" is no longer offered.", false,
                        FailureCategory.MODEL_WITHDRAWN);
                return Optional.empty();
            }
            log.info("Job {} attempt {} leased to worker {}", job.id(), job.attempt(), workerName);
            return Optional.of(new LeasedJob(job.id(), job.attempt(), workflow.get(), job.id() + "-" + job.attempt(),
                    properties.leaseTimeout(), job.attemptTimeout() == null ? attemptTimeout : job.attemptTimeout(),
                    inputImageType(job), leasedLoras(job), loras.removedSince()));
        }
    }

    /** The LoRA file a job made with one loads (rendered already, so it exists); empty for other jobs. */
    private List<LeasedJob.Lora> leasedLoras(JobRow job) {
        if (!job.parameters().hasLora()) {
            return List.of();
        }
        return loras.find(job.parameters().lora().id()).map(JobQueue::leased).stream().toList();
    }

    private static LeasedJob.Lora leased(LoraModel lora) {
        return new LeasedJob.Lora(lora.id(), lora.sha256(), lora.sizeBytes());
    }

    /**
     * The content type of an image-to-video job's input image (the claim names the file the worker
     * uploads to ComfyUI, as {@link WorkflowRenderer} renders {@code {{input_image}}}), null for
     * other jobs and when the image is gone.
     */
    private String inputImageType(JobRow job) {
        if (!job.parameters().isVideo() || job.parameters().video().inputImageId() == null) {
            return null;
        }
        return jobs.imageType(job.parameters().video().inputImageId()).orElse(null);
    }

    /** The RUNNING job each worker holds (the one it started last), by worker name: for the fleet's status. */
    @Transactional(readOnly = true)
    public Map<String, UUID> runningJobByWorker() {
        return jobs.runningJobByWorker();
    }

    /** Whether any job waits in the queue (a cheap look before trying waiting claims one by one). */
    @Transactional(readOnly = true)
    public boolean hasQueuedJobs() {
        return jobs.anyQueued();
    }

    /**
     * Extends the lease of the current attempt (the first heartbeat also confirms the claim) and
     * records its sampler progress.
     *
     * @param step the sampler step reached (clamped to 0 … {@code totalSteps})
     * @param backendReachable whether the worker's ComfyUI answers; while it does not, the job page
     *     says the generator is offline
     * @throws StaleAttemptException when the caller no longer holds the job, or its deadline passed
     * @throws NotYourJobException when the attempt is leased to another worker than the caller's token's
     */
    @Transactional
    public ExtendedLease heartbeat(UUID jobId, int attempt, WorkerIdentity caller, int step, int totalSteps,
                                   boolean backendReachable) {
        Instant now = clock.instant();
        int total = Math.max(0, totalSteps);
        String worker = jobs.extendLease(jobId, attempt, caller.name(), now, now.plus(properties.leaseTimeout()),
                        Math.clamp(step, 0, total), total, backendReachable)
                .orElseThrow(() -> refusal(jobId, attempt, caller));
        return new ExtendedLease(worker, properties.leaseTimeout());
    }

    /**
     * Stores the images of the current attempt, marks the job SUCCEEDED and captures its hold, in
     * one transaction. If the transaction does not commit, the written files are removed.
     *
     * @param images 1 … the job's batch size whole PNG or JPEG files of the job's size ({@link UploadedImages})
     * @return {@code SUCCEEDED}
     * @throws StaleAttemptException when the attempt no longer holds the job (re-queued, already
     *     completed, or past its deadline — which then fails the attempt): nothing is stored or charged
     * @throws NotYourJobException when the attempt is leased to another worker than the caller's token's
     * @throws InvalidUploadException when there are no images, more than the batch size, or a file
     *     is not a whole image of the job's size: nothing is stored
     */
    @Transactional(noRollbackFor = AttemptTimedOutException.class)
    public JobStatus complete(UUID jobId, int attempt, WorkerIdentity caller, List<UploadedImage> images) {
        return complete(jobId, attempt, caller, images, List.of());
    }

    /**
     * {@link #complete(UUID, int, WorkerIdentity, List)} with the completion's video parts too. An
     * image job takes images only (a video part is refused); a video job
     * ({@link org.text2image.server.generation.JobParameters#isVideo()}) takes exactly one video and
     * at most one PNG poster ({@link UploadedVideos}), verified from a temporary file.
     *
     * @param videos the parts declared as {@code video/mp4} or {@code video/webm}
     * @throws InvalidUploadException as above, and when the parts do not fit the job's kind: nothing is stored or charged
     */
    @Transactional(noRollbackFor = AttemptTimedOutException.class)
    public JobStatus complete(UUID jobId, int attempt, WorkerIdentity caller, List<UploadedImage> images,
                              List<UploadedVideo> videos) {
        try (LogContext.Scope context = LogContext.job(jobId)) {
            JobRow job = fencedJob(jobId, attempt, caller);
            context.user(job.userId());
            return completeFenced(job, now -> {
                if (job.parameters().isVideo()) {
                    return videoUploads.store(job, images, videos, now);
                }
                if (!videos.isEmpty()) {
                    throw new InvalidUploadException("\"" + videos.getFirst().fileName() + "\" is a video, but this job makes "
                            + "images: its completion carries PNG or JPEG images only.");
                }
                uploads.store(job, images, now);
                return images.size();
            });
        }
    }

    /**
     * Presigned {@code PUT} URLs for the current attempt's images, for a worker that uploads them
     * straight to the bucket (direct worker upload, docs/WORKER_API.md); nothing is written.
     *
     * @param images what the worker will upload: size and MD5 of each, 1 … the batch size
     * @return one target per image, in order
     * @throws DirectUploadOffException when the server takes no direct uploads
     * @throws StaleAttemptException when the attempt no longer holds the job
     * @throws NotYourJobException when the attempt is leased to another worker than the caller's token's
     * @throws InvalidUploadException when the images declared are not acceptable (count, size, MD5)
     */
    @Transactional
    public List<DirectUpload.Target> uploadTargets(UUID jobId, int attempt, WorkerIdentity caller,
                                                   List<DirectUpload.Declared> images) {
        try (LogContext.Scope context = LogContext.job(jobId)) {
            JobRow job = fencedJob(jobId, attempt, caller);
            context.user(job.userId());
            return directUploads.presign(job, images);
        }
    }

    /**
     * {@link #complete} for images the worker uploaded straight to the bucket: each object is
     * checked (issued for this attempt, there, of the declared size and MD5, a whole PNG of the job's
     * size) before the job is marked SUCCEEDED and the hold captured, in one transaction. The upload
     * objects are deleted afterwards whatever the outcome.
     *
     * @return {@code SUCCEEDED}
     * @throws DirectUploadOffException when the server takes no direct uploads
     * @throws StaleAttemptException as {@link #complete}: nothing is stored or charged
     * @throws NotYourJobException when the attempt is leased to another worker than the caller's token's
     * @throws InvalidUploadException when a key was not issued for this attempt or an object fails
     *     the checks: nothing is stored or charged, as for a bad multipart upload
     */
    @Transactional(noRollbackFor = AttemptTimedOutException.class)
    public JobStatus completeUploaded(UUID jobId, int attempt, WorkerIdentity caller, List<DirectUpload.Uploaded> images) {
        try (LogContext.Scope context = LogContext.job(jobId)) {
            JobRow job = fencedJob(jobId, attempt, caller);
            context.user(job.userId());
            return completeFenced(job, now -> directUploads.store(job, images, now));
        }
    }

    /** Stores a completion's images at {@code now} and says how many. */
    private interface ImageWriter {
        int store(Instant now);
    }

    private JobStatus completeFenced(JobRow job, ImageWriter images) {
        UUID jobId = job.id();
        int attempt = job.attempt();
        Instant now = clock.instant();
        if (!job.attemptDeadlineAt().isAfter(now)) {
            applyFailure(job, timeoutMessage(), true, FailureCategory.TIMEOUT);
            throw new AttemptTimedOutException(jobId, attempt); // committed: the timeout stands
        }
        int stored = images.store(now);
        if (!jobs.markSucceeded(jobId, attempt, now)) {
            throw new StaleAttemptException(jobId, attempt);
        }
        ledger.capture(job.holdId(), jobId, job.parameters().isVideo() ? "a video" : "a generation");
        String model = job.parameters().modelId();
        attempts.ended(jobId, attempt, "SUCCEEDED", null, now)
                .ifPresent(startedAt -> metrics.attemptEnded(model, "SUCCEEDED", startedAt, now));
        metrics.ended(model, JobStatus.SUCCEEDED);
        events.publishEvent(new AttemptEnded(jobId, attempt, job.workerName(), true));
        events.publishEvent(new JobEnded(jobId, job.userId(), JobStatus.SUCCEEDED, now));
        log.info("Job {} attempt {} succeeded with {} image(s); charged {}", jobId, attempt, stored,
                job.parameters().priceCredits());
        return JobStatus.SUCCEEDED;
    }

    /**
     * Records a failed attempt: re-queued while attempts remain and the error is retryable, else
     * FAILED with the hold released (nothing charged).
     *
     * @param reason shown to the user; blank gives a generic sentence, longer than
     *     {@value WorkerApiLimits#MAX_FAIL_REASON_CHARS} characters is cut
     * @return {@code QUEUED} (will be retried) or {@code FAILED}
     * @throws StaleAttemptException when the attempt no longer holds the job
     * @throws NotYourJobException when the attempt is leased to another worker than the caller's token's
     */
    @Transactional
    public JobStatus fail(UUID jobId, int attempt, WorkerIdentity caller, String reason, boolean retryable) {
        try (LogContext.Scope context = LogContext.job(jobId)) {
            JobRow job = fencedJob(jobId, attempt, caller);
            context.user(job.userId());
            return applyFailure(job, reason == null || reason.isBlank() ? "The worker reported an error." : reason,
                    retryable, retryable ? FailureCategory.WORKER_ERROR : FailureCategory.WORKER_PERMANENT);
        }
    }

    /**
     * Keeps a live preview of the running attempt (ComfyUI's preview of the sampler's latent), so
     * the job page can show it; it is dropped when the attempt ends (migration V5's trigger).
     *
     * @param image a PNG or JPEG of at most {@value WorkerApiLimits#MAX_PREVIEW_BYTES} bytes
     * @throws InvalidUploadException when it is not a PNG or JPEG
     * @throws StaleAttemptException when the attempt no longer holds the job
     * @throws NotYourJobException when the attempt is leased to another worker than the caller's token's
     */
    @Transactional
    public void savePreview(UUID jobId, int attempt, WorkerIdentity caller, byte[] image) {
        String contentType = ImageFormats.sniff(image).filter(type -> !type.equals("image/webp"))
                .orElseThrow(() -> new InvalidUploadException("A preview must be a PNG or JPEG image."));
        if (!jobs.savePreview(jobId, attempt, caller.name(), contentType, image, clock.instant())) {
            throw refusal(jobId, attempt, caller);
        }
    }

    /**
     * Gives a claimed job back unfinished (its worker is shutting down): QUEUED again without using
     * up an attempt, nothing charged. After {@code max-handbacks} hand-backs of the same job a
     * further one counts as a failed, retryable attempt, so a job cannot circle for ever.
     *
     * @return {@code QUEUED}, or {@code FAILED} when that further failure was the last attempt
     * @throws StaleAttemptException when the attempt no longer holds the job
     * @throws NotYourJobException when the attempt is leased to another worker than the caller's token's
     */
    @Transactional
    public JobStatus handBack(UUID jobId, int attempt, WorkerIdentity caller, String reason) {
        try (LogContext.Scope context = LogContext.job(jobId)) {
            JobRow job = fencedJob(jobId, attempt, caller);
            context.user(job.userId());
            return applyHandBack(job, "The worker gave the job back: "
                    + (reason == null || reason.isBlank() ? "handed back" : reason));
        }
    }

    /**
     * Fails every running attempt whose lease expired (the worker died or lost its network) or
     * whose deadline passed (attempt-timeout), as retryable failures; a claim never confirmed by a
     * heartbeat is handed back instead (no attempt used). Safe to run on several
     * server instances at once: rows are taken with {@code FOR UPDATE SKIP LOCKED}.
     *
     * @return how many attempts were failed or handed back, at most {@value #REAP_BATCH} per call
     */
    @Transactional
    public int reapOverdue() {
        Instant now = clock.instant();
        List<JobRow> overdue = jobs.lockOverdue(now, REAP_BATCH);
        for (JobRow job : overdue) {
            try (LogContext.Scope context = LogContext.job(job.id(), job.userId())) {
                if (!job.attemptDeadlineAt().isAfter(now)) {
                    applyFailure(job, timeoutMessage(), true, FailureCategory.TIMEOUT);
                } else if (!job.leaseConfirmed()) {
                    applyHandBack(job, "The worker did not confirm its claim.");
                } else {
                    applyFailure(job, "The worker stopped responding.", true, FailureCategory.LEASE_EXPIRED);
                }
            }
        }
        return overdue.size();
    }

    private JobRow fencedJob(UUID jobId, int attempt, WorkerIdentity caller) {
        JobRow job = jobs.lock(jobId)
                .filter(row -> row.status() == JobStatus.RUNNING && row.attempt() == attempt)
                .orElseThrow(() -> new StaleAttemptException(jobId, attempt));
        if (!caller.mayActFor(job.workerName())) {
            throw new NotYourJobException(jobId, attempt);
        }
        return job;
    }

    /** Why a fenced write changed nothing: the attempt is another worker's, or it is stale. */
    private RuntimeException refusal(UUID jobId, int attempt, WorkerIdentity caller) {
        boolean othersAttempt = jobs.find(jobId).filter(row -> row.status() == JobStatus.RUNNING
                && row.attempt() == attempt && !caller.mayActFor(row.workerName())).isPresent();
        return othersAttempt ? new NotYourJobException(jobId, attempt) : new StaleAttemptException(jobId, attempt);
    }

    private JobStatus applyHandBack(JobRow job, String reason) {
        if (job.handbacks() >= properties.maxHandbacks()) {
            return applyFailure(job, reason + " (given back " + job.handbacks() + " times already)", true,
                    FailureCategory.HANDBACK_LIMIT);
        }
        jobs.handBack(job.id(), job.attempt());
        Instant now = clock.instant();
        attempts.ended(job.id(), job.attempt(), "HANDED_BACK", reason, now).ifPresent(startedAt ->
                metrics.attemptEnded(job.parameters().modelId(), "HANDED_BACK", startedAt, now));
        log.info("Job {} attempt {} back in the queue, no attempt used: {}", job.id(), job.attempt(), reason);
        return JobStatus.QUEUED;
    }

    private JobStatus applyFailure(JobRow job, String reason, boolean retryable, FailureCategory category) {
        String error = reason.length() > WorkerApiLimits.MAX_FAIL_REASON_CHARS
                ? reason.substring(0, WorkerApiLimits.MAX_FAIL_REASON_CHARS) : reason;
        JobStatus status;
        Instant failedAt = null;
        if (retryable && job.attemptsUsed() < job.maxAttempts()) {
            jobs.requeue(job.id(), job.attempt(), error);
            log.warn("Job {} attempt {} failed, will retry: {}", job.id(), job.attempt(), error);
            status = JobStatus.QUEUED;
        } else {
            failedAt = clock.instant();
            jobs.markFailed(job.id(), job.attempt(), error, failedAt);
            ledger.release(job.holdId(), job.id(), "Not charged: the generation failed");
            log.warn("Job {} failed after {} attempt(s); hold released: {}", job.id(), job.attemptsUsed(), error);
            status = JobStatus.FAILED;
        }
        String outcome = status == JobStatus.QUEUED ? "RETRIED" : "FAILED";
        Instant endedAt = clock.instant();
        String model = job.parameters().modelId();
        attempts.ended(job.id(), job.attempt(), outcome, error, endedAt)
                .ifPresent(startedAt -> metrics.attemptEnded(model, outcome, startedAt, endedAt));
        metrics.failed(model, category, status == JobStatus.QUEUED);
        if (status == JobStatus.FAILED) {
            metrics.ended(model, JobStatus.FAILED);
        }
        if (job.workerName() != null) { // last, after the ledger: the documented lock order
            events.publishEvent(new AttemptEnded(job.id(), job.attempt(), job.workerName(), false));
        }
        if (status == JobStatus.FAILED) {
            events.publishEvent(new JobEnded(job.id(), job.userId(), JobStatus.FAILED, failedAt));
        }
        return status;
    }

    private String timeoutMessage() {
        long seconds = settings.current().attemptTimeout().toSeconds();
        String limit = seconds % 60 != 0 ? Plurals.count(seconds, "second") : Plurals.count(seconds / 60, "minute");
        return "The attempt took longer than " + limit + ".";
    }
}
