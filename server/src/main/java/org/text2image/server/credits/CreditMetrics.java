package org.text2image.server.credits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.text2image.server.support.AfterCommit;

/**
 * Credits moved by the ledger, as the counter {@code t2i.credits} (Prometheus
 * {@code t2i_credits_total}) with the label {@code movement}: {@code grant}, {@code hold},
 * {@code capture}, {@code release}, {@code expire}, {@code debit} — one per {@link EntryKind}
 * (docs/OPERATIONS.md). Incremented by the amount of every {@code ledger_entry} this instance
 * writes, once its transaction commits, so the counters of all instances together move exactly as
 * the sums of the ledger's entries by kind since they started; a rolled-back command counts nothing.
 */
@Component
class CreditMetrics implements MeterBinder {

    private final Map<EntryKind, Counter> counters = new EnumMap<>(EntryKind.class);

    @Override
    public void bindTo(MeterRegistry registry) {
        for (EntryKind kind : EntryKind.values()) {
            counters.put(kind, Counter.builder("t2i.credits").baseUnit(null)
                    .description("Credits moved by ledger entries of this kind, since this instance started")
                    .tag("movement", kind.name().toLowerCase(Locale.ROOT)).register(registry));
        }
    }

    /** An entry was written in the current transaction: counted when it commits. */
    void moved(EntryKind kind, long amountCredits) {
        AfterCommit.record(() -> {
            Counter counter = counters.get(kind);
            if (counter != null) {
                counter.increment(amountCredits);
            }
        });
    }
}
