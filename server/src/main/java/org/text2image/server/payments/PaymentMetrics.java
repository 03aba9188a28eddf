package org.text2image.server.payments;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.text2image.server.support.ScrapeCache;
import org.text2image.server.support.ScrapeCaches;

/**
 * The payments' gauge {@code t2i.payments{state}}, from {@code payment} at scrape time (one cached
 * read; docs/OPERATIONS.md): how many payments are in each of the states an operator watches —
 * waiting ({@code awaiting_utr}, {@code pending_review}, {@code checkout_open}) and granted
 * ({@code approved}, {@code paid}, all time).
 */
@Component
class PaymentMetrics implements MeterBinder {

    /** The states with a gauge. */
    static final List<PaymentState> WATCHED = List.of(PaymentState.AWAITING_UTR, PaymentState.PENDING_REVIEW,
            PaymentState.CHECKOUT_OPEN, PaymentState.APPROVED, PaymentState.PAID);

    private final JdbcClient jdbc;
    private final ScrapeCaches caches;

    PaymentMetrics(JdbcClient jdbc, ScrapeCaches caches) {
        this.jdbc = jdbc;
        this.caches = caches;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        ScrapeCache<Map<PaymentState, Long>> snapshot = caches.of("payments", this::read, Map.of());
        for (PaymentState state : WATCHED) {
            Gauge.builder("t2i.payments", () -> snapshot.get().getOrDefault(state, 0L))
                    .description("Payments in this state now").tag("state", state.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
    }

    private Map<PaymentState, Long> read() {
        Map<PaymentState, Long> counts = new EnumMap<>(PaymentState.class);
        jdbc.sql("SELECT state, count(*) FROM payment WHERE state = ANY (?) GROUP BY state")
                .params((Object) WATCHED.stream().map(PaymentState::name).toArray(String[]::new))
                .query(rs -> {
                    counts.put(PaymentState.valueOf(rs.getString(1)), rs.getLong(2));
                });
        return Map.copyOf(counts);
    }
}
