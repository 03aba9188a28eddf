package org.text2image.server.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A value computed at scrape time (a database query behind a gauge) and reused for
 * {@code text2image.metrics.cache-ttl}, so N scrapes, or N gauges of one family, cost one query per
 * interval. A failing query never fails the scrape: the last value stays (or the empty value before
 * the first success) and the error is logged at WARN.
 *
 * @param <T> the snapshot, typically an immutable map from a label set to a number
 */
public final class ScrapeCache<T> {

    private static final Logger log = LoggerFactory.getLogger(ScrapeCache.class);

    private final String what;
    private final Supplier<T> loader;
    private final Clock clock;
    private final Duration ttl;
    private final Consumer<T> onLoad;
    private T value;
    private Instant loadedAt;

    /**
     * @param what what the value is, for the log ("queue depth")
     * @param loader the query; called at most once per {@code ttl}
     * @param empty the value before the first successful load
     * @param onLoad told each freshly loaded value (e.g. to register gauges for new label sets)
     */
    public ScrapeCache(String what, Supplier<T> loader, T empty, Clock clock, Duration ttl, Consumer<T> onLoad) {
        this.what = what;
        this.loader = loader;
        this.value = empty;
        this.clock = clock;
        this.ttl = ttl;
        this.onLoad = onLoad;
    }

    /** The cached value, loaded again first when it is older than the TTL (or the clock went back). */
    public synchronized T get() {
        Instant now = clock.instant();
        if (loadedAt == null || now.isBefore(loadedAt) || !now.isBefore(loadedAt.plus(ttl))) {
            try {
                value = loader.get();
                loadedAt = now;
                onLoad.accept(value);
            } catch (RuntimeException e) {
                loadedAt = now; // try again after the TTL, not on every gauge of this scrape
                log.warn("Could not compute the {} metric; keeping the last value: {}", what, e.toString());
            }
        }
        return value;
    }
}
