package org.text2image.server.generation;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.catalog.Model;
import org.text2image.server.catalog.ModelCatalog;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.JobReceipt;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.generation.queue.JobRepository;
import org.text2image.server.generation.queue.JobRow;
import org.text2image.server.generation.queue.QueueMetrics;
import org.text2image.server.generation.queue.WaitEstimator;
import org.text2image.server.pricing.Price;
import org.text2image.server.settings.LiveSettings;
import org.text2image.server.settings.Settings;
import org.text2image.server.support.LogContext;

/**
 * The user's side of generation: submit a job, follow it, list history, cancel. Images are served through {@link GeneratedImages}.
 * The worker's side is {@link org.text2image.server.generation.queue.JobQueue}.
 */
@Service
public class GenerationService {

    private static final Logger log = LoggerFactory.getLogger(GenerationService.class);
    /** Largest history page. */
    public static final int MAX_PAGE_SIZE = 100;

    private final GenerationValidator validator;
    private final JobRepository jobs;
    private final CreditLedger ledger;
    private final CreditStatements statements;
    private final ModelCatalog catalog;
    private final WorkerAvailability workers;
    private final WaitEstimator waitEstimator;
    private final GenerationProperties properties;
    private final LiveSettings settings;
    private final PlanRules planRules;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final QueueMetrics metrics;

    GenerationService(GenerationValidator validator, JobRepository jobs, CreditLedger ledger, ModelCatalog catalog,
                      WorkerAvailability workers, WaitEstimator waitEstimator,
                      GenerationProperties properties, LiveSettings settings, Clock clock, CreditStatements statements,
                      PlanRules planRules, ApplicationEventPublisher events, QueueMetrics metrics) {
        this.validator = validator;
        this.metrics = metrics;
        this.events = events;
        this.planRules = planRules;
        this.jobs = jobs;
        this.ledger = ledger;
        this.statements = statements;
        this.catalog = catalog;
        this.workers = workers;
        this.waitEstimator = waitEstimator;
        this.properties = properties;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Validates (the user's plan and LoRAs included: {@link GenerationValidator#validate(GenerationRequest,
     * PlanAllowance, boolean, Long)}), prices and enqueues a job at the queue priority of the user's plan.
     * In one transaction: the credit hold for the price and the QUEUED job row; any refusal writes
     * nothing.
     *
     * @throws InvalidGenerationRequestException for bad input (messages per field), a request the
     *     user's plan does not allow, a limited model with too few images left this week, or a model
     *     whose checkpoint no worker has offered within {@code model-advertisement-window}
     * @throws org.text2image.server.credits.InsufficientCreditsException when the price exceeds the
     *     available balance
     * @throws TooManyQueuedJobsException when the user has max-queued-jobs-per-user jobs active
     */
    @Transactional
    public JobView submit(long userId, GenerationRequest request) {
        return view(jobs.find(enqueue(userId, request)).orElseThrow());
    }

    /**
     * {@link #submit} without reading the new job back: returns only its id, for a caller that
     * shows the job elsewhere (the Generate form redirects to the job page). Same transaction,
     * checks and exceptions as {@link #submit}.
     */
    @Transactional
    public UUID enqueue(long userId, GenerationRequest request) {
        return enqueue(userId, request, UUID.randomUUID(), true);
    }

    /**
     * An admin's free re-run of a job for its user, under a job id chosen by the caller. As
     * {@link #enqueue(long, GenerationRequest)}, except that the plan's parameter access is not
     * applied: the request repeats the job's own settings, the seed the server drew included. The
     * plan's batch limit, model access and weekly counts apply.
     */
    @Transactional
    public UUID enqueue(long userId, GenerationRequest request, UUID jobId) {
        return enqueue(userId, request, jobId, false);
    }

    /**
     * {@link #enqueue(long, GenerationRequest)} under a job id chosen by the caller (the public API
     * writes its idempotency record under it first).
     *
     * @param parameterAccess whether the plan's parameter access applies (true for a user's own
     *     request; false for an admin's re-run of a job's own settings)
     */
    @Transactional
    public UUID enqueue(long userId, GenerationRequest request, UUID jobId, boolean parameterAccess) {
        try (LogContext.Scope context = LogContext.job(jobId, userId)) {
            return enqueueInContext(userId, request, jobId, parameterAccess);
        }
    }

    private UUID enqueueInContext(long userId, GenerationRequest request, UUID jobId, boolean parameterAccess) {
        PlanAllowance allowance = planRules.allowanceOf(userId);
        JobParameters parameters = validator.validate(request, allowance, parameterAccess, userId);
        refuseInputImageNotOwn(userId, parameters);
        refuseModelNoWorkerHas(parameters);
        // The hold locks the user's account row, so the active-job count and the weekly count of a
        // limited model below are exact per user: concurrent submits are serialised.
        long holdId = ledger.hold(userId, parameters.priceCredits(), jobId,
                parameters.isVideo() ? "a video" : "a generation");
        Settings live = settings.current();
        if (jobs.countActive(userId) >= live.maxQueuedJobsPerUser()) {
            throw new TooManyQueuedJobsException(live.maxQueuedJobsPerUser());
        }
        planRules.refuseOverWeeklyLimit(userId, catalog.find(parameters.modelId()).orElseThrow(),
                parameters.batchSize(), allowance);
        int priority = allowance.plan().queuePriority().ordinal();
        Model model = catalog.find(parameters.modelId()).orElseThrow();
        jobs.insert(jobId, userId, parameters, holdId, live.maxAttempts(), priority,
                model.isVideo() ? model.video().attemptTimeout() : null, clock.instant());
        metrics.submitted(parameters.modelId());
        log.info("Job {} queued for user {}: model {}, {}x{}, price {}, plan {}", jobId, userId, parameters.modelId(),
                parameters.width(), parameters.height(), parameters.priceCredits(), allowance.plan().id());
        return jobId;
    }

    /**
     * An image-to-video job starts from one of the user's own images (a PNG or JPEG of one of their
     * jobs): another user's image, a video or an unknown id is refused as if it did not exist.
     */
    private void refuseInputImageNotOwn(long userId, JobParameters parameters) {
        if (!parameters.isVideo() || parameters.video().inputImageId() == null) {
            return;
        }
        boolean usable = jobs.ownImageType(userId, parameters.video().inputImageId())
                .filter(type -> type.equals("image/png") || type.equals("image/jpeg")).isPresent();
        if (!usable) {
            throw new InvalidGenerationRequestException(java.util.Map.of("inputImageId",
                    "Choose one of your own images (a PNG or JPEG) to start the video from."));
        }
    }

    /** A job for a checkpoint that no worker has advertised within the window would only wait: refuse it. */
    private void refuseModelNoWorkerHas(JobParameters parameters) {
        if (workers.knownUnavailable(parameters.checkpoint(), properties.modelAdvertisementWindow())) {
            String name = catalog.find(parameters.modelId()).map(Model::name).orElse(parameters.modelId());
            throw new InvalidGenerationRequestException(java.util.Map.of("modelId", "No GPU worker has offered "
                    + name + " lately, so it cannot run now. Pick another model."));
        }
    }

    /** Checks a request against the site's limits and the model, and prices it, without writing anything. */
    public JobParameters quote(GenerationRequest request) {
        return validator.validate(request);
    }

    /**
     * Checks a request as the user's submit would (their plan included, but not a limited model's
     * weekly count, nor the balance), without writing anything.
     *
     * @throws InvalidGenerationRequestException when the request is not valid for this user
     */
    @Transactional(readOnly = true)
    public JobParameters quote(long userId, GenerationRequest request) {
        return validator.validate(request, planRules.allowanceOf(userId), true, userId);
    }

    /** What the user's plan lets them ask for now (the Generate form shows exactly this). */
    @Transactional(readOnly = true)
    public PlanAllowance allowance(long userId) {
        return planRules.allowanceOf(userId);
    }

    /** Images of a limited model the user has left this week; empty when the plan does not count them. */
    @Transactional(readOnly = true)
    public java.util.OptionalInt imagesLeftThisWeek(long userId, Model model, PlanAllowance allowance) {
        return planRules.imagesLeftThisWeek(userId, model, allowance);
    }

    /**
     * The price of a request with its breakdown, without writing anything (the form's cost line).
     *
     * @throws InvalidGenerationRequestException when the request is not valid
     */
    public Price price(GenerationRequest request) {
        return validator.price(validator.validate(request));
    }

    /**
     * The price of a request as the user may send it (their plan's batch limit and models), with its
     * breakdown, without writing anything (the Generate form's cost line).
     *
     * @throws InvalidGenerationRequestException when the request is not valid for this user
     */
    @Transactional(readOnly = true)
    public Price price(long userId, GenerationRequest request) {
        return validator.price(validator.validate(request, planRules.allowanceOf(userId), true, userId));
    }

    /**
     * A job, if {@code viewer} owns it or is an admin; empty otherwise (another user's job and an
     * unknown id look the same).
     */
    @Transactional(readOnly = true)
    public Optional<JobView> find(UUID jobId, Viewer viewer) {
        return jobs.find(jobId).filter(job -> viewer.maySee(job.userId())).map(this::view);
    }

    /**
     * One page of the user's jobs, newest first.
     *
     * @param page 0-based
     * @param size 1 … {@value #MAX_PAGE_SIZE}
     */
    @Transactional(readOnly = true)
    public HistoryPage history(long userId, int page, int size) {
        int pageSize = Math.clamp(size, 1, MAX_PAGE_SIZE);
        int pageIndex = Math.max(page, 0);
        List<JobView> views = views(jobs.page(userId, pageIndex * pageSize, pageSize));
        return new HistoryPage(views, pageIndex, pageSize, jobs.count(userId));
    }

    /**
     * One page of the user's jobs by keyset with filters, newest first (the public API's job list);
     * the same views as {@link #history}, read with a fixed number of queries.
     */
    @Transactional(readOnly = true)
    public List<JobView> history(long userId, JobListQuery query) {
        return views(jobs.page(userId, query));
    }

    /**
     * Cancels a queued or running job of the user and releases its hold, in one transaction:
     * nothing is charged. A running attempt's worker is refused at its next heartbeat (and
     * interrupts ComfyUI); a completion it still sends is stale and stores nothing.
     *
     * @throws JobNotFoundException when the job is not the user's
     * @throws JobNotCancellableException when it is already finished
     */
    @Transactional
    public JobView cancel(UUID jobId, long userId) {
        return cancel(jobId, userId, "Cancelled by you.");
    }

    /** {@link #cancel(UUID, long)} with the sentence the job page shows (an admin passes the owner's id). */
    @Transactional
    public JobView cancel(UUID jobId, long userId, String message) {
        try (LogContext.Scope context = LogContext.job(jobId, userId)) {
            return cancelInContext(jobId, userId, message);
        }
    }

    private JobView cancelInContext(UUID jobId, long userId, String message) {
        JobRow job = jobs.lock(jobId).filter(j -> j.userId() == userId).orElseThrow(() -> new JobNotFoundException(jobId));
        Instant now = clock.instant();
        if (!jobs.markCancelled(jobId, userId, now, message)) {
            throw new JobNotCancellableException(job.status());
        }
        ledger.release(job.holdId(), jobId, "Not charged: cancelled");
        metrics.ended(job.parameters().modelId(), JobStatus.CANCELLED);
        events.publishEvent(new JobEnded(jobId, userId, JobStatus.CANCELLED, now));
        log.info("Job {} cancelled while {}: {}; hold released", jobId, job.status(), message);
        return view(jobs.find(jobId).orElseThrow());
    }

    /**
     * Cancels every queued or running job of the user and releases their holds, in one
     * transaction (an admin disabling or deleting the account).
     *
     * @param message what the job pages say, such as "Cancelled: the account was disabled."
     * @return how many jobs were cancelled
     */
    @Transactional
    public int cancelAll(long userId, String message) {
        int cancelled = 0;
        for (UUID jobId : jobs.activeIds(userId)) {
            JobRow job = jobs.lock(jobId).orElseThrow();
            Instant now = clock.instant();
            if (jobs.markCancelled(jobId, userId, now, message)) {
                ledger.release(job.holdId(), jobId, "Not charged: cancelled");
                metrics.ended(job.parameters().modelId(), JobStatus.CANCELLED);
                events.publishEvent(new JobEnded(jobId, userId, JobStatus.CANCELLED, now));
                cancelled++;
            }
        }
        if (cancelled > 0) {
            log.info("{} job(s) of user {} cancelled: {}", cancelled, userId, message);
        }
        return cancelled;
    }

    /**
     * What the live job page follows — state, queue position, step progress — read cheaply from
     * the job row, if {@code viewer} may see the job.
     */
    @Transactional(readOnly = true)
    public Optional<JobProgress> progress(UUID jobId, Viewer viewer) {
        return jobs.find(jobId).filter(job -> viewer.maySee(job.userId())).map(job -> new JobProgress(job.status(),
                jobs.queuePosition(job), job.progressStep(), job.progressTotal(), job.attemptsUsed(), previewVersion(job),
                job.status() == JobStatus.RUNNING && job.backendUnreachable()));
    }

    /** The running job's live preview, if {@code viewer} may see the job and there is one. */
    @Transactional(readOnly = true)
    public Optional<JobPreview> preview(UUID jobId, Viewer viewer) {
        return jobs.find(jobId).filter(job -> viewer.maySee(job.userId()) && job.status() == JobStatus.RUNNING)
                .flatMap(job -> jobs.preview(jobId));
    }

    private long previewVersion(JobRow job) {
        return job.status() == JobStatus.RUNNING ? jobs.previewVersion(job.id()) : 0;
    }

    /** Whether workers are picking up jobs now. */
    public GeneratorStatus generatorStatus() {
        return workers.status();
    }

    /**
     * Ids of the enabled models no worker can run now: every worker that reported its checkpoints
     * within {@code model-advertisement-window} lacks the model's (see
     * {@link WorkerAvailability#knownUnavailable(String, Duration)}); one query for all models. A
     * submit for one of them is refused.
     */
    @Transactional(readOnly = true)
    public Set<String> unavailableModelIds() {
        List<Model> models = catalog.enabled();
        Set<String> unavailable = workers.knownUnavailable(models.stream().map(GenerationService::checkpoint).toList(),
                properties.modelAdvertisementWindow());
        return models.stream().filter(model -> unavailable.contains(checkpoint(model))).map(Model::id)
                .collect(Collectors.toSet());
    }

    private static String checkpoint(Model model) {
        return model.checkpoint() == null ? "" : model.checkpoint();
    }

    /** Enabled models for the Generate form. */
    public List<Model> models() {
        return catalog.enabled();
    }

    /** The limits in force now (the largest size from the live settings), for the form and its hints. */
    public GenerationLimits limits() {
        return validator.limits();
    }

    JobView view(JobRow job) {
        int position = jobs.queuePosition(job);
        return view(job, position, waitEstimator.estimatedWaitSeconds(position),
                job.status() == JobStatus.SUCCEEDED ? jobs.images(job.id()) : List.of(),
                statements.receipt(job.id()).orElse(null),
                job.status() == JobStatus.QUEUED && workers.status().isOnline() && !runnableNow(job.parameters()));
    }

    /**
     * Views of several jobs (a history page) with a fixed number of reads, whatever their count:
     * the queue positions, images and receipts of all of them at once.
     */
    List<JobView> views(List<JobRow> rows) {
        List<UUID> ids = rows.stream().map(JobRow::id).toList();
        List<UUID> queued = rows.stream().filter(row -> row.status() == JobStatus.QUEUED).map(JobRow::id).toList();
        Map<UUID, Integer> positions = jobs.queuePositions(queued);
        IntFunction<Integer> waits = queued.isEmpty() ? position -> null : waitEstimator.estimates();
        Map<UUID, List<JobImage>> images = jobs.images(rows.stream()
                .filter(row -> row.status() == JobStatus.SUCCEEDED).map(JobRow::id).toList());
        Map<UUID, JobReceipt> receipts = statements.receipts(ids);
        boolean online = !queued.isEmpty() && workers.status().isOnline();
        Map<String, Boolean> runnable = new HashMap<>(); // by checkpoint, and "lora:" + checkpoint
        return rows.stream().map(row -> {
            int position = positions.getOrDefault(row.id(), 0);
            return view(row, position, waits.apply(position), images.getOrDefault(row.id(), List.of()),
                    receipts.get(row.id()), row.status() == JobStatus.QUEUED && online
                            && !runnable.computeIfAbsent((row.parameters().hasLora() ? "lora:" : "")
                                    + row.parameters().checkpoint(), key -> runnableNow(row.parameters())));
        }).toList();
    }

    /** Whether an online worker can run a job with these parameters now (with a LoRA: one with a LoRA folder). */
    private boolean runnableNow(JobParameters parameters) {
        return parameters.hasLora() ? workers.canRunLorasNow(parameters.checkpoint())
                : workers.canRunNow(parameters.checkpoint());
    }

    /**
     * Whether the Generate page should say that no online worker runs a job with a LoRA on
     * {@code checkpoint}: workers are online, and none of them has a LoRA folder and the checkpoint.
     */
    public boolean noWorkerRunsLoras(String checkpoint) {
        return workers.status().isOnline() && !workers.canRunLorasNow(checkpoint);
    }

    private JobView view(JobRow job, int position, Integer waitSeconds, List<JobImage> images, JobReceipt receipt,
                         boolean noWorkerHasModel) {
        String modelName = catalog.find(job.parameters().modelId()).map(Model::name).orElse(job.parameters().modelId());
        return new JobView(job.id(), job.userId(), job.parameters(), modelName, job.status(), job.attemptsUsed(),
                job.maxAttempts(), position, waitSeconds, noWorkerHasModel,
                job.status() == JobStatus.RUNNING && job.backendUnreachable(),
                job.progressStep(), job.progressTotal(), job.lastError(), job.createdAt(), job.finishedAt(), images,
                previewVersion(job), receipt == null ? null : receipt.summary());
    }
}
