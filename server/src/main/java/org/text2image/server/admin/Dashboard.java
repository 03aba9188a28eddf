package org.text2image.server.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.springframework.stereotype.Service;
import org.text2image.server.account.AccountDirectory;
import org.text2image.server.generation.JobAdministration;
import org.text2image.server.generation.JobFigures;
import org.text2image.server.payments.PaymentStatistics;
import org.text2image.server.workers.WorkerFleet;

/**
 * The figures of the admin dashboard, each read by one or a few aggregate queries of the module
 * that owns the data (never one query per job or payment). Days are {@link AdminDays}: calendar
 * days of the server clock's zone; "today" runs from its midnight to the next, "this week" from
 * Monday to Sunday. Jobs count by the day they were submitted, in the state they are in now;
 * sales by the moment a payment was approved or paid ({@link PaymentStatistics}).
 */
@Service
class Dashboard {

    /** Hours in the jobs chart, and days in the revenue chart. */
    static final int HOURS = 24;
    static final int DAYS = 30;

    private final JobAdministration jobs;
    private final PaymentStatistics payments;
    private final AccountDirectory directory;
    private final WorkerFleet fleet;
    private final Clock clock;

    Dashboard(JobAdministration jobs, PaymentStatistics payments, AccountDirectory directory, WorkerFleet fleet,
              Clock clock) {
        this.jobs = jobs;
        this.payments = payments;
        this.directory = directory;
        this.fleet = fleet;
        this.clock = clock;
    }

    /**
     * Everything on the dashboard, as of now.
     *
     * @param oldestWait how long the oldest queued job has waited, or null when none waits
     * @param hourStarts the start of each hour of {@code jobs.hours()}
     * @param days the days of {@code daily}, oldest first
     * @param currencies every currency sold today, this week or in the {@value #DAYS} days
     */
    record Figures(LocalDate today, LocalDate weekStart, JobFigures jobs, Duration oldestWait, long workersOnline,
                   long pendingPayments, PaymentStatistics.Sales soldToday, PaymentStatistics.Sales soldThisWeek,
                   List<LocalDate> days, List<PaymentStatistics.Sales> daily, List<String> currencies,
                   long signupsToday) {
    }

    Figures figures() {
        Instant now = clock.instant();
        LocalDate today = AdminDays.today(clock);
        LocalDate monday = AdminDays.weekStart(today);
        Instant dayStart = AdminDays.start(today, clock);
        Instant dayEnd = AdminDays.end(today, clock);
        Instant hoursStart = ZonedDateTime.now(clock).truncatedTo(ChronoUnit.HOURS).minusHours(HOURS - 1).toInstant();
        JobFigures jobFigures = jobs.figures(dayStart, dayEnd, hoursStart, HOURS);
        List<LocalDate> days = new ArrayList<>();
        List<Instant> bounds = new ArrayList<>();
        for (int i = DAYS - 1; i >= 0; i--) {
            days.add(today.minusDays(i));
            bounds.add(AdminDays.start(today.minusDays(i), clock));
        }
        bounds.add(dayEnd);
        List<PaymentStatistics.Sales> daily = payments.daily(bounds);
        PaymentStatistics.Sales soldToday = daily.getLast();
        PaymentStatistics.Sales week = payments.sold(AdminDays.start(monday, clock), AdminDays.end(monday.plusDays(6), clock));
        TreeSet<String> currencies = new TreeSet<>(week.revenue().keySet());
        daily.forEach(day -> currencies.addAll(day.revenue().keySet()));
        Duration wait = jobFigures.oldestQueuedAt() == null ? null
                : Duration.between(jobFigures.oldestQueuedAt(), now).isNegative() ? Duration.ZERO
                : Duration.between(jobFigures.oldestQueuedAt(), now);
        return new Figures(today, monday, jobFigures, wait, fleet.online().size(), payments.pendingReview(), soldToday,
                week, days, daily, List.copyOf(currencies), directory.countJoined(dayStart, dayEnd));
    }
}
