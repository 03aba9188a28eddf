package org.text2image.server.admin;

import java.time.Clock;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.text2image.server.generation.JobSearch;
import org.text2image.server.generation.JobStatus;

/**
 * The job search's filters as typed in the address ({@code /admin/jobs?user=&state=&model=&from=&to=&error=&page=&size=}),
 * with the checks that turn them into a {@link JobSearch}. Every value is optional; bad ones give a
 * message per field and no search.
 *
 * @param user part of the user's email
 * @param state a job state, such as {@code FAILED}
 * @param model a model id
 * @param from the first day (ISO date or {@code today}), in the server's zone
 * @param to the last day, included
 * @param error the exact error of failed jobs (a dashboard failure reason)
 * @param page 0-based page number
 * @param size jobs per page, 1 … {@value JobSearch#MAX_SIZE}
 */
record JobFilter(String user, String state, String model, String from, String to, String error, String page,
                 String size) {

    static final int DEFAULT_SIZE = 50;
    private static final int MAX_TEXT = 254;
    private static final int MAX_ERROR = 2000;

    JobFilter {
        user = clean(user);
        state = clean(state);
        model = clean(model);
        from = clean(from);
        to = clean(to);
        error = error == null ? "" : error;
        page = clean(page);
        size = clean(size);
    }

    /**
     * The search this filter asks for.
     *
     * @param userIds the accounts whose email contains {@link #user}, found by the caller (null when no user was given)
     * @param errors filled with a message per bad field; the result is then null
     */
    JobSearch toSearch(List<Long> userIds, Clock clock, Map<String, String> errors) {
        JobStatus status = status(errors);
        LocalDate first = date(from, "from", clock, errors);
        LocalDate last = date(to, "to", clock, errors);
        if (first != null && last != null && last.isBefore(first)) {
            errors.put("to", "The last day is before the first.");
        }
        int pageNumber = number(page, 0, 0, 1_000_000, "page", "The page must be a whole number from 0.", errors);
        int pageSize = number(size, DEFAULT_SIZE, 1, JobSearch.MAX_SIZE, "size",
                "The page size must be a whole number from 1 to " + JobSearch.MAX_SIZE + ".", errors);
        if (user.length() > MAX_TEXT || model.length() > MAX_TEXT) {
            errors.put(user.length() > MAX_TEXT ? "user" : "model", "At most " + MAX_TEXT + " characters.");
        }
        if (error.length() > MAX_ERROR) {
            errors.put("error", "At most " + MAX_ERROR + " characters.");
        }
        if (!errors.isEmpty()) {
            return null;
        }
        return new JobSearch(userIds, status, model.isEmpty() ? null : model,
                first == null ? null : AdminDays.start(first, clock), last == null ? null : AdminDays.end(last, clock),
                error.isEmpty() ? null : error, pageNumber, pageSize);
    }

    /** The address of this filter's page {@code number}. */
    String pageLink(int number) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("user", user);
        query.put("state", state);
        query.put("model", model);
        query.put("from", from);
        query.put("to", to);
        query.put("error", error);
        query.put("size", size);
        query.put("page", Integer.toString(number));
        return AdminLinks.of("/admin/jobs", query);
    }

    private JobStatus status(Map<String, String> errors) {
        if (state.isEmpty()) {
            return null;
        }
        try {
            return JobStatus.valueOf(state.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            errors.put("state", "Unknown state: pick one of QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED.");
            return null;
        }
    }

    private static LocalDate date(String text, String field, Clock clock, Map<String, String> errors) {
        try {
            return AdminDays.parse(text, clock);
        } catch (IllegalArgumentException e) {
            errors.put(field, e.getMessage());
            return null;
        }
    }

    static int number(String text, int fallback, int min, int max, String field, String message,
                      Map<String, String> errors) {
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        errors.put(field, message);
        return fallback;
    }

    private static String clean(String text) {
        return text == null ? "" : text.strip();
    }
}
