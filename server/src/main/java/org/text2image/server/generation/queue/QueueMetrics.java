package org.text2image.server.generation.queue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.springframework.stereotype.Component;
import org.text2image.server.catalog.Model;
import org.text2image.server.catalog.ModelCatalog;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.plans.Plan;
import org.text2image.server.support.AfterCommit;
import org.text2image.server.support.KeyedGauges;
import org.text2image.server.support.ScrapeCache;
import org.text2image.server.support.ScrapeCaches;

/**
 * The job queue's meters (docs/OPERATIONS.md, "Metrics"). Gauges read {@code generation_job} at
 * scrape time through one cached query each ({@link ScrapeCache}); counters and timers are
 * recorded by {@link JobQueue} and {@code GenerationService} when a transaction that changed a job
 * commits ({@link AfterCommit}), so they count only what the database kept and can never fail it.
 * Every meter is labelled by {@code model} (the job's model id).
 */
@Component
public class QueueMetrics implements MeterBinder {

    /** A (model, priority) pair of queued jobs. */
    record ModelPriority(String model, int priority) {
    }

    /** What one read of the queue says: depth per (model, priority), oldest age and busy workers per model. */
    record Snapshot(Map<ModelPriority, Long> depth, Map<String, Double> oldestAgeSeconds, Map<String, Long> busy) {
        static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of(), Map.of());
    }

    private final JobRepository jobs;
    private final ModelCatalog catalog;
    private final Clock clock;
    private final ScrapeCaches caches;
    private MeterRegistry registry;
    private KeyedGauges<ModelPriority> depth;
    private KeyedGauges<String> oldest;
    private KeyedGauges<String> busy;

    QueueMetrics(JobRepository jobs, ModelCatalog catalog, Clock clock, ScrapeCaches caches) {
        this.jobs = jobs;
        this.catalog = catalog;
        this.clock = clock;
        this.caches = caches;
    }

    @Override
    public void bindTo(MeterRegistry meters) {
        this.registry = meters;
        ScrapeCache<Snapshot> snapshot = caches.of("job queue", this::read, Snapshot.EMPTY, this::ensureLabels);
        depth = new KeyedGauges<>(meters, "t2i.queue.depth", "Jobs QUEUED now, by model and queue priority", null,
                key -> Tags.of("model", key.model(), "priority", Integer.toString(key.priority())),
                () -> snapshot.get().depth());
        oldest = new KeyedGauges<>(meters, "t2i.queue.oldest.age",
                "Age of the oldest QUEUED job of the model (0: none queued)", "seconds",
                model -> Tags.of("model", model), () -> snapshot.get().oldestAgeSeconds());
        busy = new KeyedGauges<>(meters, "t2i.model.workers.busy", "Workers running a job of the model now", null,
                model -> Tags.of("model", model), () -> snapshot.get().busy());
        List<String> models = catalog.all().stream().map(Model::id).toList();
        depth.ensure(models.stream().flatMap(model -> IntStream.range(0, Plan.QueuePriority.values().length)
                .mapToObj(priority -> new ModelPriority(model, priority))).toList());
        oldest.ensure(models);
        busy.ensure(models);
    }

    /** Gauges for label sets first seen in a snapshot (a model no longer in the catalog, say). */
    private void ensureLabels(Snapshot loaded) {
        depth.ensure(loaded.depth().keySet());
        oldest.ensure(loaded.oldestAgeSeconds().keySet());
        busy.ensure(loaded.busy().keySet());
    }

    private Snapshot read() {
        Instant now = clock.instant();
        Map<ModelPriority, Long> depth = new HashMap<>();
        Map<String, Double> oldest = new HashMap<>();
        for (JobRepository.QueuedGroup group : jobs.queuedGroups()) {
            depth.put(new ModelPriority(group.modelId(), group.priority()), group.jobs());
            double age = Math.max(0, Duration.between(group.oldestCreatedAt(), now).toMillis() / 1000.0);
            oldest.merge(group.modelId(), age, Math::max);
        }
        return new Snapshot(Map.copyOf(depth), Map.copyOf(oldest), Map.copyOf(jobs.busyWorkersByModel()));
    }

    /** A job was submitted (counted when the submit commits). */
    public void submitted(String model) {
        AfterCommit.record(() -> counter("t2i.jobs.submitted", "Jobs submitted", Tags.of("model", model)).increment());
    }

    /** A job reached a final state (counted on commit). */
    public void ended(String model, JobStatus status) {
        AfterCommit.record(() -> counter("t2i.jobs.ended", "Jobs that reached a final state",
                Tags.of("model", model, "status", status.name().toLowerCase(Locale.ROOT))).increment());
    }

    /** An attempt started; the first one of a job records its time in the queue since submit. */
    void claimed(JobRow job, Instant now) {
        String model = job.parameters().modelId();
        AfterCommit.record(() -> {
            counter("t2i.job.attempts", "Attempts started (claims)", Tags.of("model", model)).increment();
            if (job.attempt() == 1 && job.createdAt() != null) {
                Timer.builder("t2i.job.queue.wait").description("Time from submit to the first claim")
                        .tags("model", model).publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(100)).maximumExpectedValue(Duration.ofHours(2))
                        .register(registry).record(Duration.between(job.createdAt(), now).abs());
            }
        });
    }

    /**
     * An attempt ended: its run time (claim to end) by outcome.
     *
     * @param outcome {@code succeeded}, {@code retried}, {@code failed} or {@code handed_back}
     * @param startedAt when the attempt was leased, or null when unknown (nothing recorded then)
     */
    void attemptEnded(String model, String outcome, Instant startedAt, Instant endedAt) {
        if (startedAt == null) {
            return;
        }
        AfterCommit.record(() -> Timer.builder("t2i.job.run").description("Run time of an attempt, claim to end")
                .tags("model", model, "outcome", outcome.toLowerCase(Locale.ROOT)).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(100)).maximumExpectedValue(Duration.ofHours(1))
                .register(registry).record(Duration.between(startedAt, endedAt).abs()));
    }

    /** An attempt failed; {@code retried}: the job went back to the queue, else it FAILED. */
    void failed(String model, FailureCategory reason, boolean retried) {
        AfterCommit.record(() -> counter("t2i.job.failures", "Failed attempts by reason",
                Tags.of("model", model, "reason", reason.label(), "outcome", retried ? "retried" : "failed")).increment());
    }

    private Counter counter(String name, String description, Tags tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }
}
