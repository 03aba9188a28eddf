package org.text2image.server.support;

import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/** Makes {@link ScrapeCache}s with the injected clock and {@code text2image.metrics.cache-ttl}. */
@Component
public class ScrapeCaches {

    private final Clock clock;
    private final MetricsProperties properties;

    ScrapeCaches(Clock clock, MetricsProperties properties) {
        this.clock = clock;
        this.properties = properties;
    }

    /** A cache of {@code loader}'s value; see {@link ScrapeCache#ScrapeCache}. */
    public <T> ScrapeCache<T> of(String what, Supplier<T> loader, T empty) {
        return of(what, loader, empty, value -> { });
    }

    /** A cache of {@code loader}'s value that tells {@code onLoad} each fresh value. */
    public <T> ScrapeCache<T> of(String what, Supplier<T> loader, T empty, Consumer<T> onLoad) {
        return new ScrapeCache<>(what, loader, empty, clock, properties.cacheTtl(), onLoad);
    }
}
