package org.text2image.server.support;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code text2image.metrics.*}: who may read {@code /actuator/prometheus} and how fresh the
 * database-derived gauges are (docs/OPERATIONS.md).
 *
 * @param token the bearer token a Prometheus scraper sends ({@code Authorization: Bearer <token>});
 *     empty or absent: only signed-in admins may read the metrics. Compared in constant time.
 * @param cacheTtl how long a gauge computed by a database query is reused (default 5 s, at most
 *     1 min), so any number of scrapes costs at most one query per gauge family per interval
 */
@ConfigurationProperties("text2image.metrics")
public record MetricsProperties(String token, @DefaultValue("5s") Duration cacheTtl) {

    /** @throws IllegalArgumentException when the cache time is negative or over a minute */
    public MetricsProperties {
        if (cacheTtl.isNegative() || cacheTtl.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("text2image.metrics.cache-ttl must be 0 … 1m, was " + cacheTtl);
        }
        token = token == null || token.isBlank() ? null : token.strip();
    }

    /** Whether scrapers may use a bearer token (one is configured). */
    public boolean tokenConfigured() {
        return token != null;
    }
}
