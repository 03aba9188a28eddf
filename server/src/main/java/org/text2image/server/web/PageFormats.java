package org.text2image.server.web;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.springframework.stereotype.Component;
import org.text2image.server.credits.Credits;

/**
 * Small text helpers for templates, as {@code @pageFormats}: credit amounts with the right plural
 * and dates in the server's time zone (the injected clock's zone).
 */
@Component("pageFormats")
public class PageFormats {

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm", Locale.ENGLISH);

    private final Clock clock;

    PageFormats(Clock clock) {
        this.clock = clock;
    }

    /** {@code "1 credit"}, {@code "20 credits"}: {@link Credits#format}, for templates. */
    public String credits(long amount) {
        return Credits.format(amount);
    }

    /** The server's time zone, in which pages show dates and count days, such as {@code UTC} or {@code Asia/Kolkata}. */
    public String zone() {
        return clock.getZone().normalized().equals(java.time.ZoneOffset.UTC) ? "UTC" : clock.getZone().getId();
    }

    /** {@code "3 May 2026, 14:05"}; empty for null. */
    public String dateTime(Instant instant) {
        return instant == null ? "" : DATE_TIME.format(instant.atZone(clock.getZone()));
    }
}
