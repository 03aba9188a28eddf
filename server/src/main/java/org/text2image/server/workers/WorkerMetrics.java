package org.text2image.server.workers;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.text2image.server.catalog.Model;
import org.text2image.server.catalog.ModelCatalog;
import org.text2image.server.generation.GenerationProperties;
import org.text2image.server.support.KeyedGauges;
import org.text2image.server.support.ScrapeCache;
import org.text2image.server.support.ScrapeCaches;

/**
 * The fleet's gauges, from {@code worker_presence} at scrape time (one cached read, docs/OPERATIONS.md):
 * {@code t2i.workers.online} (heard from within {@code worker-online-window} with ComfyUI answering),
 * {@code t2i.workers.unreachable} (heard from, ComfyUI not answering) and
 * {@code t2i.model.workers.online{model}} (online workers that can run the model: its checkpoint is
 * in their list, or it needs none), for every model of the catalog.
 */
@Component
class WorkerMetrics implements MeterBinder {

    /** One read of the fleet. */
    record Snapshot(long online, long unreachable, Map<String, Long> onlineByModel) {
        static final Snapshot EMPTY = new Snapshot(0, 0, Map.of());
    }

    private final WorkerFleet fleet;
    private final WorkerPresence presence;
    private final ModelCatalog catalog;
    private final Clock clock;
    private final GenerationProperties generation;
    private final ScrapeCaches caches;
    private KeyedGauges<String> byModel;

    WorkerMetrics(WorkerFleet fleet, WorkerPresence presence, ModelCatalog catalog, Clock clock,
                  GenerationProperties generation, ScrapeCaches caches) {
        this.fleet = fleet;
        this.presence = presence;
        this.catalog = catalog;
        this.clock = clock;
        this.generation = generation;
        this.caches = caches;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        ScrapeCache<Snapshot> snapshot = caches.of("worker fleet", this::read, Snapshot.EMPTY,
                loaded -> byModel.ensure(loaded.onlineByModel().keySet()));
        Gauge.builder("t2i.workers.online", () -> snapshot.get().online())
                .description("Workers heard from within worker-online-window whose ComfyUI answers").register(registry);
        Gauge.builder("t2i.workers.unreachable", () -> snapshot.get().unreachable())
                .description("Workers heard from within worker-online-window whose ComfyUI does not answer")
                .register(registry);
        byModel = new KeyedGauges<>(registry, "t2i.model.workers.online", "Online workers that can run the model",
                null, model -> Tags.of("model", model), () -> snapshot.get().onlineByModel());
        byModel.ensure(catalog.all().stream().map(Model::id).toList());
    }

    private Snapshot read() {
        List<WorkerFleet.Capability> online = fleet.online();
        long seen = presence.seenSince(clock.instant().minus(generation.workerOnlineWindow()));
        Map<String, Long> byModelNow = new HashMap<>();
        for (Model model : catalog.all()) {
            byModelNow.put(model.id(), online.stream().filter(worker -> worker.canRun(model.checkpoint())).count());
        }
        return new Snapshot(online.size(), Math.max(0, seen - online.size()), Map.copyOf(byModelNow));
    }
}
