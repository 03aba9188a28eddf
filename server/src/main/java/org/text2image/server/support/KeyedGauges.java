package org.text2image.server.support;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One gauge per label set of a family whose values come from one snapshot
 * ({@code Map<key, number>}, usually a {@link ScrapeCache}): a label set absent from the snapshot
 * reads 0, so a queue that empties shows 0 rather than vanishing. Label sets are registered as they
 * become known ({@link #ensure}), from the catalog at start and from each loaded snapshot.
 *
 * @param <K> the label set, e.g. a (model, priority) record
 */
public final class KeyedGauges<K> {

    private final MeterRegistry registry;
    private final String name;
    private final String description;
    private final String baseUnit;
    private final Function<K, Tags> tags;
    private final Supplier<? extends Map<K, ? extends Number>> snapshot;
    private final Set<K> registered = ConcurrentHashMap.newKeySet();

    /**
     * @param name the meter name, dotted ({@code t2i.queue.depth} → Prometheus {@code t2i_queue_depth})
     * @param baseUnit appended by Prometheus ({@code seconds}), or null
     */
    public KeyedGauges(MeterRegistry registry, String name, String description, String baseUnit,
                       Function<K, Tags> tags, Supplier<? extends Map<K, ? extends Number>> snapshot) {
        this.registry = registry;
        this.name = name;
        this.description = description;
        this.baseUnit = baseUnit;
        this.tags = tags;
        this.snapshot = snapshot;
    }

    /** Registers the gauges of these label sets (once each). */
    public void ensure(Collection<K> keys) {
        for (K key : keys) {
            if (registered.add(key)) {
                Gauge.builder(name, () -> value(key)).description(description).baseUnit(baseUnit)
                        .tags(tags.apply(key)).strongReference(true).register(registry);
            }
        }
    }

    private double value(K key) {
        Number value = snapshot.get().get(key);
        return value == null ? 0 : value.doubleValue();
    }
}
