package org.text2image.server.admin;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAdjusters;

/**
 * Days as the admin pages count them: calendar days in the time zone of the server's clock (the
 * injected {@link Clock}; UTC unless the clock says otherwise), from midnight to midnight. "This
 * week" is Monday to Sunday of the current day. Dates in page addresses are ISO dates
 * ({@code 2026-12-01}); a range of dates includes both ends.
 */
final class AdminDays {

    /** Earliest and latest date a filter accepts (anything else is a typing error). */
    static final LocalDate FIRST = LocalDate.of(2000, 1, 1);
    static final LocalDate LAST = LocalDate.of(2999, 12, 31);

    private AdminDays() {
    }

    /** Today in the clock's zone. */
    static LocalDate today(Clock clock) {
        return ZonedDateTime.now(clock).toLocalDate();
    }

    /** The Monday of the week that holds {@code day}. */
    static LocalDate weekStart(LocalDate day) {
        return day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }

    /** When {@code day} starts in the clock's zone. */
    static Instant start(LocalDate day, Clock clock) {
        return day.atStartOfDay(zone(clock)).toInstant();
    }

    /** When {@code day} ends (the next day starts) in the clock's zone. */
    static Instant end(LocalDate day, Clock clock) {
        return start(day.plusDays(1), clock);
    }

    static ZoneId zone(Clock clock) {
        return clock.getZone();
    }

    /**
     * A date typed in a filter: an ISO date, or {@code today}.
     *
     * @return null for a blank text
     * @throws IllegalArgumentException with a sentence for the page, when it is not a date from
     *     2000 to 2999
     */
    static LocalDate parse(String text, Clock clock) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String typed = text.strip();
        if (typed.equalsIgnoreCase("today")) {
            return today(clock);
        }
        try {
            LocalDate date = LocalDate.parse(typed);
            if (date.isBefore(FIRST) || date.isAfter(LAST)) {
                throw new IllegalArgumentException("Give a date between " + FIRST + " and " + LAST + ".");
            }
            return date;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("Give a date as year-month-day, such as " + today(clock) + ".");
        }
    }
}
