package org.text2image.server.workers;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.async.DeferredResult;
import org.text2image.server.generation.GenerationProperties;
import org.text2image.server.generation.LeasedJob;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.DatabaseSignals;
import org.text2image.server.training.LeasedTraining;
import org.text2image.server.training.TrainingQueue;
import org.text2image.worker.api.ClaimedJob;

/**
 * Long-poll claims. A claim that finds no work and asked to wait ({@code ClaimRequest.waitSeconds},
 * capped by {@code text2image.generation.max-claim-wait}) is held as a {@link DeferredResult} —
 * no request thread is kept — and answered 204 when the wait ends. Each {@code generation_job_queued}
 * or {@code lora_training_queued} notification ({@link DatabaseSignals}) makes one thread try the
 * waiting claims again, oldest first, exactly as an immediate claim does: a training worker is
 * offered a queued training first ({@link TrainingQueue#claim}), then an image job through
 * {@link JobQueue#claim}, so the Dispatcher's rule decides as for an immediate claim, and a woken
 * worker gets its work within milliseconds of the submit.
 *
 * <p>Servlet containers do not report that an idle held request's client went away, so a job may
 * be leased to a claim nobody reads any more. Four things bound that: a stopping worker ends its
 * own waits ({@link #cancel}); a new claim from a worker name ends that name's older waits (a
 * worker restarted after a crash); a job leased to a claim whose wait had just run out is handed back
 * at once; and otherwise the claim's provisional lease runs out unconfirmed and the job goes back
 * to the queue without using up an attempt ({@link JobQueue#reapOverdue}).
 */
@Component
class ClaimWaiters implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClaimWaiters.class);

    private final JobQueue queue;
    private final TrainingQueue trainings;
    private final DatabaseSignals signals;
    private final GenerationProperties properties;
    private final ConcurrentLinkedQueue<Waiter> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private volatile ExecutorService dispatch;

    ClaimWaiters(JobQueue queue, TrainingQueue trainings, DatabaseSignals signals, GenerationProperties properties) {
        this.queue = queue;
        this.trainings = trainings;
        this.signals = signals;
        this.properties = properties;
        signals.subscribe(JobQueue.QUEUED_CHANNEL, payload -> wake());
        signals.subscribe(TrainingQueue.QUEUED_CHANNEL, payload -> wake());
        start();
    }

    /**
     * Claims for the worker now, or holds the claim until a job for it is queued or the wait ends.
     * A worker whose ComfyUI is unreachable gets no job (its call only reports presence).
     *
     * @param wait how long the claim may wait for work (capped by {@code max-claim-wait}; zero answers at once)
     * @return a result set to 200 with the job, or 204 when there is none
     */
    DeferredResult<ResponseEntity<ClaimedJob>> claim(String workerName, List<String> checkpoints,
                                                     boolean backendReachable, Duration wait) {
        return claim(workerName, checkpoints, false, backendReachable, wait, false);
    }

    /**
     * {@link #claim(String, List, boolean, Duration)} for a worker that may keep users' LoRAs
     * ({@code keepsLoras}: only such a worker gets jobs made with one, {@link JobQueue#claim(String, List, boolean)})
     * and may be given LoRA trainings ({@code trains}, {@link TrainingQueue#eligible}): a queued
     * training it can run goes first.
     */
    DeferredResult<ResponseEntity<ClaimedJob>> claim(String workerName, List<String> checkpoints, boolean keepsLoras,
                                                     boolean backendReachable, Duration wait, boolean trains) {
        if (wait.compareTo(properties.maxClaimWait()) > 0) {
            wait = properties.maxClaimWait();
        }
        DeferredResult<ResponseEntity<ClaimedJob>> result = new DeferredResult<>(Math.max(1, wait.toMillis()));
        long ringsBefore = rings();
        Optional<ClaimedJob> job = backendReachable ? claimNow(workerName, checkpoints, keepsLoras, trains) : Optional.empty();
        if (job.isPresent() || wait.isZero() || !backendReachable || dispatch == null) {
            result.setResult(answer(job));
            return result;
        }
        cancel(workerName); // a worker claims one at a time: its older wait is a leftover
        Waiter waiter = new Waiter(workerName, checkpoints, keepsLoras, trains, result, System.nanoTime() + wait.toNanos());
        result.onTimeout(() -> result.setResult(noWork()));
        result.onCompletion(() -> waiting.remove(waiter));
        waiting.add(waiter);
        if (rings() != ringsBefore) {
            wake(); // a job was queued between the look and the registration
        }
        return result;
    }

    /** Ends the waiting claims of {@code workerName} with 204. */
    void cancel(String workerName) {
        for (Waiter waiter : waiting) {
            if (waiter.workerName().equals(workerName)) {
                waiter.result().setResult(noWork());
            }
        }
    }

    /** Claims waiting now (for tests and the admin view). */
    int size() {
        return waiting.size();
    }

    private void wake() {
        ExecutorService executor = dispatch;
        if (executor != null && !waiting.isEmpty() && wakePending.compareAndSet(false, true)) {
            try {
                executor.execute(this::tryWaiting);
            } catch (RuntimeException e) { // shutting down
                wakePending.set(false);
            }
        }
    }

    /** One pass over the waiting claims, oldest first, on the dispatch thread. */
    private void tryWaiting() {
        wakePending.set(false);
        for (Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
            Waiter waiter = it.next();
            if (waiter.result().isSetOrExpired()) {
                it.remove();
                continue;
            }
            if (System.nanoTime() - waiter.deadlineNanos() >= 0) {
                it.remove();
                waiter.result().setResult(noWork());
                continue;
            }
            Optional<ClaimedJob> job;
            try {
                job = claimNow(waiter.workerName(), waiter.checkpoints(), waiter.keepsLoras(), waiter.trains());
            } catch (RuntimeException e) {
                log.warn("Waiting claim of worker {} failed", waiter.workerName(), e);
                it.remove();
                waiter.result().setErrorResult(e);
                continue;
            }
            if (job.isPresent()) {
                it.remove();
                if (!waiter.result().setResult(ResponseEntity.ok(job.get()))) {
                    handBack(job.get(), "its claim had ended before the job was leased");
                }
            } else if (!queue.hasQueuedJobs() && !trainings.hasQueued()) {
                break; // nothing is queued at all: no other waiter can get a job either
            }
        }
    }

    /** How many times the queued channels rang so far. */
    private long rings() {
        return signals.rings(JobQueue.QUEUED_CHANNEL) + signals.rings(TrainingQueue.QUEUED_CHANNEL);
    }

    /** A training first for a worker eligible for trainings, then an image job. */
    private Optional<ClaimedJob> claimNow(String workerName, List<String> checkpoints, boolean keepsLoras, boolean trains) {
        if (trains) {
            Optional<LeasedTraining> training = trainings.claim(workerName, checkpoints);
            if (training.isPresent()) {
                return training.map(WireRecords::claimedTraining);
            }
        }
        Optional<LeasedJob> job = queue.claim(workerName, checkpoints, keepsLoras);
        return job.map(WireRecords::claimedJob);
    }

    private void handBack(ClaimedJob job, String reason) {
        try {
            if (job.isTraining()) {
                trainings.handBack(job.jobId(), job.attempt(), null, reason);
                return;
            }
            queue.handBack(job.jobId(), job.attempt(), WorkerIdentity.CONFIGURED, reason);
        } catch (RuntimeException e) {
            log.warn("Could not hand back job {} (its provisional lease will return it)", job.jobId(), e);
        }
    }

    private static ResponseEntity<ClaimedJob> answer(Optional<ClaimedJob> job) {
        return job.map(ResponseEntity::ok).orElseGet(ClaimWaiters::noWork);
    }
    private static ResponseEntity<ClaimedJob> noWork() {
        return ResponseEntity.noContent().build();
    }

    @Override
    public synchronized void start() {
        if (dispatch == null) {
            dispatch = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("claim-waiters").daemon(true).factory());
        }
    }

    /** Answers every waiting claim 204 (so shutdown does not wait on them) and stops trying. */
    @Override
    public void stop() {
        ExecutorService executor;
        synchronized (this) {
            executor = dispatch;
            dispatch = null;
        }
        if (executor != null) {
            executor.shutdown();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        cancelAll();
    }

    /** Ends every waiting claim with 204. */
    void cancelAll() {
        for (Waiter waiter : waiting) {
            waiter.result().setResult(noWork());
        }
        waiting.clear();
    }

    @Override
    public boolean isRunning() {
        return dispatch != null;
    }

    @Override
    public int getPhase() {
        return DEFAULT_PHASE; // stops before the web server's graceful shutdown
    }

    private record Waiter(String workerName, List<String> checkpoints, boolean keepsLoras, boolean trains,
                          DeferredResult<ResponseEntity<ClaimedJob>> result,
                          long deadlineNanos) {
    }
}
