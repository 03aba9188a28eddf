package org.text2image.server.admin;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.text2image.server.payments.PaymentState;

/**
 * The filter of {@code /admin/payments?state=&from=&to=&page=}: payments in a state (or {@code SOLD}:
 * those that granted credits and kept them, by when they were approved or paid) on a range of days
 * of the server's zone ({@link AdminDays}).
 *
 * @param state the state, or null for SOLD
 * @param from the start, or null for any
 * @param to the end, or null for any
 * @param page 0-based page
 */
record PaymentFilter(PaymentState state, Instant from, Instant to, int page, String typedState, String typedFrom,
                     String typedTo) {

    static final int PAGE_SIZE = 50;

    /** The filter, or null with a message per bad field in {@code errors}. */
    static PaymentFilter parse(String state, String from, String to, String page, Clock clock, Map<String, String> errors) {
        String typed = state.strip().toUpperCase(Locale.ROOT);
        PaymentState parsed = null;
        if (!typed.equals("SOLD")) {
            try {
                parsed = PaymentState.valueOf(typed);
            } catch (IllegalArgumentException e) {
                errors.put("state", "Unknown state: pick SOLD or one of " + java.util.Arrays.toString(PaymentState.values()) + ".");
            }
        }
        LocalDate first = date(from, "from", clock, errors);
        LocalDate last = date(to, "to", clock, errors);
        int pageNumber = JobFilter.number(page.strip(), 0, 0, 1_000_000, "page", "The page must be a whole number from 0.", errors);
        if (!errors.isEmpty()) {
            return null;
        }
        return new PaymentFilter(parsed, first == null ? null : AdminDays.start(first, clock),
                last == null ? null : AdminDays.end(last, clock), pageNumber, typed, from.strip(), to.strip());
    }

    /** What the list shows, such as "Sold, 2026-12-01 to 2026-12-01". */
    String title() {
        String what = state == null ? "Sold (approved or paid)" : state.label();
        return typedFrom.isEmpty() && typedTo.isEmpty() ? what
                : what + ", " + (typedFrom.isEmpty() ? "…" : typedFrom) + " to " + (typedTo.isEmpty() ? "…" : typedTo);
    }

    /** The address of this filter's page {@code number}. */
    String link(int number) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("state", typedState);
        query.put("from", typedFrom);
        query.put("to", typedTo);
        query.put("page", Integer.toString(number));
        return AdminLinks.of("/admin/payments", query);
    }

    private static LocalDate date(String text, String field, Clock clock, Map<String, String> errors) {
        try {
            return AdminDays.parse(text, clock);
        } catch (IllegalArgumentException e) {
            errors.put(field, e.getMessage());
            return null;
        }
    }
}
