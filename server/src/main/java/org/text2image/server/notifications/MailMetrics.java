package org.text2image.server.notifications;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.text2image.server.support.ScrapeCache;
import org.text2image.server.support.ScrapeCaches;

/**
 * The mail outbox's gauges, from {@code mail_outbox} at scrape time (one cached read of the
 * PENDING rows, through the partial index {@code mail_outbox_due}; docs/OPERATIONS.md):
 * {@code t2i.mail.pending} (mails waiting to be sent, retries included) and
 * {@code t2i.mail.pending.oldest.age} (seconds since the oldest of them was written; 0 when none).
 */
@Component
class MailMetrics implements MeterBinder {

    /** One read of the outbox. */
    record Snapshot(long pending, double oldestAgeSeconds) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final ScrapeCaches caches;

    MailMetrics(JdbcClient jdbc, Clock clock, ScrapeCaches caches) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.caches = caches;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        ScrapeCache<Snapshot> snapshot = caches.of("mail outbox", this::read, new Snapshot(0, 0));
        Gauge.builder("t2i.mail.pending", () -> snapshot.get().pending())
                .description("Mails in the outbox waiting to be sent (PENDING)").register(registry);
        Gauge.builder("t2i.mail.pending.oldest.age", () -> snapshot.get().oldestAgeSeconds()).baseUnit("seconds")
                .description("Age of the oldest PENDING mail (0: none)").register(registry);
    }

    private Snapshot read() {
        Instant now = clock.instant();
        return jdbc.sql("SELECT count(*), min(created_at) FROM mail_outbox WHERE status = 'PENDING'")
                .query((rs, n) -> {
                    OffsetDateTime oldest = rs.getObject(2, OffsetDateTime.class);
                    double age = oldest == null ? 0 : Math.max(0, Duration.between(oldest.toInstant(), now).toMillis() / 1000.0);
                    return new Snapshot(rs.getLong(1), age);
                }).single();
    }
}
