package org.text2image.server.plans;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;

/**
 * How often a plan is paid for and its credits granted (docs/PLANS.md, "Periods and credits"): a
 * week of 7 days, or a calendar year in UTC (1 March 2026 → 1 March 2027; 29 February → 28 February).
 */
public enum BillingPeriod {
    /** 7 days; each week's credits come at its start and expire at its end. */
    WEEKLY,
    /** One year; the whole year's credits come at its start and expire at its end. */
    YEARLY;

    /** As forms and URLs write it: {@code weekly}, {@code yearly}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** "week" or "year". */
    public String noun() {
        return this == WEEKLY ? "week" : "year";
    }

    /** The period's end, given its start: {@code start} + 7 days, or + 1 year in UTC. */
    public Instant end(Instant start) {
        return this == WEEKLY ? start.plus(java.time.Duration.ofDays(7))
                : start.atOffset(ZoneOffset.UTC).plusYears(1).toInstant();
    }

    /** The end of {@code count} periods from {@code start}, {@code count} ≥ 1. */
    public Instant end(Instant start, int count) {
        Instant end = start;
        for (int i = 0; i < count; i++) {
            end = end(end);
        }
        return end;
    }

    /** A plan's amount for this period: its weekly or its yearly figure. */
    public long of(Plan.PerPeriod amounts) {
        return this == WEEKLY ? amounts.weekly() : amounts.yearly();
    }

    /** The period a form or URL names ({@code weekly}, {@code yearly}, any case); empty otherwise. */
    public static Optional<BillingPeriod> parse(String key) {
        if (key != null) {
            for (BillingPeriod period : values()) {
                if (period.key().equalsIgnoreCase(key.strip())) {
                    return Optional.of(period);
                }
            }
        }
        return Optional.empty();
    }
}
