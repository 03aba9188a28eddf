package org.text2image.server.generation;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.storage.ImageStore;
import org.text2image.worker.api.ClaimRequest;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.FailRequest;
import org.text2image.worker.api.HandBackRequest;
import org.text2image.worker.api.Heartbeat;
import org.text2image.worker.api.HeartbeatResponse;
import org.text2image.worker.api.JobOutcome;
import org.text2image.worker.api.WorkerApiLimits;
import tools.jackson.databind.node.ObjectNode;

/**
 * The worker's side of generation: claim, heartbeat, complete, fail, and the reaper for expired
 * leases and timed-out attempts (ARCHITECTURE.md, "The job lifecycle").
 *
 * <p>Every call after claim is fenced by the attempt number: only the current attempt of a
 * RUNNING job changes anything; a stale or duplicate call throws {@link StaleAttemptException}
 * and writes nothing. Completion stores the images, marks the job SUCCEEDED and captures the hold
 * in one transaction; failure re-queues the job while attempts remain, else marks it FAILED and
 * releases the hold.
 */
@Service
public class JobQueue {

    private static final Logger log = LoggerFactory.getLogger(JobQueue.class);
    /** PostgreSQL channel notified, on commit, when a job becomes QUEUED: submitted or re-queued (migration V4). */
    public static final String QUEUED_CHANNEL = "generation_job_queued";
    /** PostgreSQL channel notified with a job's id when its status, attempt, progress or preview changes (migration V9). */
    public static final String CHANGED_CHANNEL = "generation_job_changed";

    private final JobRepository jobs;
    private final Dispatcher dispatcher;
    private final CreditLedger ledger;
    private final ImageStore store;
    private final WorkerPresence presence;
    private final WorkflowRenderer renderer;
    private final GenerationProperties properties;
    private final Clock clock;

    JobQueue(JobRepository jobs, Dispatcher dispatcher, CreditLedger ledger, ImageStore store,
             WorkerPresence presence, WorkflowRenderer renderer, GenerationProperties properties, Clock clock) {
        this.jobs = jobs;
        this.dispatcher = dispatcher;
        this.ledger = ledger;
        this.store = store;
        this.presence = presence;
        this.renderer = renderer;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Leases the next queued job the worker can run, chosen by the {@code Dispatcher} (capability,
     * priority, aging, fair share, model affinity): RUNNING, attempt + 1, deadline set, and a
     * provisional lease of {@code claim-confirm-timeout} that the worker's first heartbeat confirms.
     * Answers at once; {@code ClaimWaiters} holds long-poll claims.
     *
     * @return the job with its rendered workflow, or empty when there is no work (or the worker's
     *     ComfyUI is unreachable: it only reports presence)
     */
    @Transactional
    public Optional<ClaimedJob> claim(ClaimRequest request) {
        presence.seen(request.workerName(), request.backendReachable());
        return request.backendReachable() ? lease(request) : Optional.empty();
    }

    /**
     * {@link #claim} without recording the worker's presence: for a waiting long-poll claim,
     * tried again on each queued job, whose presence was recorded when it arrived.
     */
    @Transactional
    public Optional<ClaimedJob> lease(ClaimRequest request) {
        Instant now = clock.instant();
        Optional<JobRow> leased = dispatcher.leaseNext(request.workerName(), request.checkpoints(), now,
                now.plus(properties.claimConfirmTimeout()), now.plus(properties.attemptTimeout()));
        if (leased.isEmpty()) {
            return Optional.empty();
        }
        JobRow job = leased.get();
        Optional<ObjectNode> workflow = renderer.render(job);
        if (workflow.isEmpty()) {
            applyFailure(job, "The model \"" + job.parameters().modelId() + "\" is no longer offered.", false);
            return Optional.empty();
        }
        log.info("Job {} attempt {} leased to worker {}", job.id(), job.attempt(), request.workerName());
        return Optional.of(new ClaimedJob(job.id(), job.attempt(), workflow.get(), job.id() + "-" + job.attempt(),
                properties.leaseTimeout().toSeconds(), properties.attemptTimeout().toSeconds()));
    }

    /**
     * Extends the lease of the current attempt (the first heartbeat also confirms the claim) and
     * records its progress.
     *
     * @throws StaleAttemptException when the caller no longer holds the job, or its deadline passed
     */
    @Transactional
    public HeartbeatResponse heartbeat(UUID jobId, Heartbeat heartbeat) {
        Instant now = clock.instant();
        int total = Math.max(0, heartbeat.totalSteps());
        int step = Math.clamp(heartbeat.step(), 0, total);
        String worker = jobs.extendLease(jobId, heartbeat.attempt(), now, now.plus(properties.leaseTimeout()), step, total)
                .orElseThrow(() -> new StaleAttemptException(jobId, heartbeat.attempt()));
        presence.seen(worker, true);
        return new HeartbeatResponse(properties.leaseTimeout().toSeconds(), false);
    }

    /**
     * Stores the images of the current attempt, marks the job SUCCEEDED and captures its hold, in
     * one transaction. If the transaction does not commit, the written files are removed.
     *
     * @param images 1 … {@value WorkerApiLimits#MAX_IMAGES_PER_COMPLETION} PNG, JPEG or WebP files
     * @throws StaleAttemptException when the attempt no longer holds the job (re-queued, already
     *     completed, or past its deadline — which then fails the attempt): nothing is stored or charged
     * @throws InvalidUploadException when there are no images, too many, or a file is not an image
     */
    @Transactional(noRollbackFor = AttemptTimedOutException.class)
    public JobOutcome complete(UUID jobId, int attempt, List<UploadedImage> images) {
        JobRow job = fencedJob(jobId, attempt);
        Instant now = clock.instant();
        if (!job.attemptDeadlineAt().isAfter(now)) {
            applyFailure(job, timeoutMessage(), true);
            throw new AttemptTimedOutException(jobId, attempt); // committed: the timeout stands
        }
        List<String> contentTypes = checkImages(images);
        List<String> written = new ArrayList<>();
        deleteOnRollback(written);
        for (int position = 0; position < images.size(); position++) {
            UUID imageId = UUID.randomUUID();
            String key = "jobs/" + jobId + "/" + imageId;
            store.put(key, images.get(position).bytes());
            written.add(key);
            jobs.insertImage(imageId, jobId, position, key, contentTypes.get(position), images.get(position).bytes().length, now);
        }
        if (!jobs.markSucceeded(jobId, attempt, now)) {
            throw new StaleAttemptException(jobId, attempt);
        }
        ledger.capture(job.holdId(), jobId);
        log.info("Job {} attempt {} succeeded with {} image(s); charged {}", jobId, attempt, images.size(),
                job.parameters().priceCredits());
        return new JobOutcome(JobStatus.SUCCEEDED.name());
    }

    /**
     * Records a failed attempt: re-queued while attempts remain and the error is retryable, else
     * FAILED with the hold released (nothing charged).
     *
     * @throws StaleAttemptException when the attempt no longer holds the job
     */
    @Transactional
    public JobOutcome fail(UUID jobId, FailRequest request) {
        JobRow job = fencedJob(jobId, request.attempt());
        String reason = request.reason() == null || request.reason().isBlank() ? "The worker reported an error." : request.reason();
        return new JobOutcome(applyFailure(job, reason, request.retryable()).name());
    }

    /**
     * Keeps a live preview of the running attempt (ComfyUI's preview of the sampler's latent), so
     * the job page can show it; it is dropped when the attempt ends (migration V5's trigger).
     *
     * @param image a PNG or JPEG of at most {@value WorkerApiLimits#MAX_PREVIEW_BYTES} bytes
     * @throws InvalidUploadException when it is not a PNG or JPEG
     * @throws StaleAttemptException when the attempt no longer holds the job
     */
    @Transactional
    public void savePreview(UUID jobId, int attempt, byte[] image) {
        String contentType = ImageFormats.sniff(image).filter(type -> !type.equals("image/webp"))
                .orElseThrow(() -> new InvalidUploadException("A preview must be a PNG or JPEG image."));
        if (!jobs.savePreview(jobId, attempt, contentType, image, clock.instant())) {
            throw new StaleAttemptException(jobId, attempt);
        }
    }

    /**
     * Gives a claimed job back unfinished (its worker is shutting down): QUEUED again without using
     * up an attempt, nothing charged. After {@code max-handbacks} hand-backs of the same job a
     * further one counts as a failed, retryable attempt, so a job cannot circle for ever.
     *
     * @throws StaleAttemptException when the attempt no longer holds the job
     */
    @Transactional
    public JobOutcome handBack(UUID jobId, HandBackRequest request) {
        JobRow job = fencedJob(jobId, request.attempt());
        String reason = request.reason() == null || request.reason().isBlank() ? "handed back" : request.reason();
        return new JobOutcome(applyHandBack(job, "The worker gave the job back: " + reason).name());
    }

    /**
     * Fails every running attempt whose lease expired (the worker died or lost its network) or
     * whose deadline passed (attempt-timeout), as retryable failures; a claim never confirmed by a
     * heartbeat is handed back instead (no attempt used). Safe to run on several
     * server instances at once: rows are taken with {@code FOR UPDATE SKIP LOCKED}.
     *
     * @return how many attempts were failed
     */
    @Transactional
    public int reapOverdue() {
        Instant now = clock.instant();
        List<JobRow> overdue = jobs.lockOverdue(now, 100);
        for (JobRow job : overdue) {
            boolean timedOut = !job.attemptDeadlineAt().isAfter(now);
            if (timedOut) {
                applyFailure(job, timeoutMessage(), true);
            } else if (!job.leaseConfirmed()) {
                applyHandBack(job, "The worker did not confirm its claim.");
            } else {
                applyFailure(job, "The worker stopped responding.", true);
            }
        }
        return overdue.size();
    }

    private JobRow fencedJob(UUID jobId, int attempt) {
        return jobs.lock(jobId)
                .filter(job -> job.status() == JobStatus.RUNNING && job.attempt() == attempt)
                .orElseThrow(() -> new StaleAttemptException(jobId, attempt));
    }

    private JobStatus applyHandBack(JobRow job, String reason) {
        if (job.handbacks() >= properties.maxHandbacks()) {
            return applyFailure(job, reason + " (given back " + job.handbacks() + " times already)", true);
        }
        jobs.handBack(job.id(), job.attempt());
        log.info("Job {} attempt {} back in the queue, no attempt used: {}", job.id(), job.attempt(), reason);
        return JobStatus.QUEUED;
    }

    private JobStatus applyFailure(JobRow job, String reason, boolean retryable) {
        int max = WorkerApiLimits.MAX_FAIL_REASON_CHARS;
        String error = reason.length() > max ? reason.substring(0, max) : reason;
        if (retryable && job.attemptsUsed() < job.maxAttempts()) {
            jobs.requeue(job.id(), job.attempt(), error);
            log.warn("Job {} attempt {} failed, will retry: {}", job.id(), job.attempt(), error);
            return JobStatus.QUEUED;
        }
        jobs.markFailed(job.id(), job.attempt(), error, clock.instant());
        ledger.release(job.holdId(), job.id(), "Not charged: the generation failed");
        log.warn("Job {} failed after {} attempt(s); hold released: {}", job.id(), job.attemptsUsed(), error);
        return JobStatus.FAILED;
    }

    private String timeoutMessage() {
        return "The attempt took longer than " + properties.attemptTimeout().toMinutes() + " minutes.";
    }

    private static List<String> checkImages(List<UploadedImage> images) {
        if (images.isEmpty()) {
            throw new InvalidUploadException("A completion needs at least one image.");
        }
        if (images.size() > WorkerApiLimits.MAX_IMAGES_PER_COMPLETION) {
            throw new InvalidUploadException("A completion may carry at most " + WorkerApiLimits.MAX_IMAGES_PER_COMPLETION
                    + " images.");
        }
        return images.stream().map(image -> ImageFormats.sniff(image.bytes()).orElseThrow(() ->
                new InvalidUploadException("\"" + image.fileName() + "\" is not a PNG, JPEG or WebP image."))).toList();
    }

    private void deleteOnRollback(List<String> keys) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                if (status != STATUS_COMMITTED) {
                    keys.forEach(store::delete);
                }
            }
        });
    }
}
