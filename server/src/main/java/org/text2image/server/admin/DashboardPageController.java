package org.text2image.server.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.text2image.server.generation.JobFigures;
import org.text2image.server.payments.Money;

/**
 * {@code /admin}: the dashboard ({@link Dashboard}). Every figure links to the admin page that
 * lists what it counts, filtered to it (such as {@code /admin/jobs?state=FAILED&from=…&to=…}); the
 * two charts are server-drawn SVG ({@link BarChart}) with their figures also in tables.
 */
@Controller
class DashboardPageController {

    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM", Locale.ENGLISH);

    private final Dashboard dashboard;
    private final Clock clock;

    DashboardPageController(Dashboard dashboard, Clock clock) {
        this.dashboard = dashboard;
        this.clock = clock;
    }

    @GetMapping("/admin")
    String page(Model model) {
        Dashboard.Figures figures = dashboard.figures();
        String today = figures.today().toString();
        model.addAttribute("f", figures);
        model.addAttribute("oldestWait", figures.oldestWait() == null ? null : duration(figures.oldestWait()));
        model.addAttribute("todayLink", jobsLink(null, today, today, null));
        model.addAttribute("succeededLink", jobsLink("SUCCEEDED", today, today, null));
        model.addAttribute("failedLink", jobsLink("FAILED", today, today, null));
        model.addAttribute("reasonLinks", figures.jobs().failureReasons().stream()
                .map(reason -> jobsLink("FAILED", today, today, reason.error())).toList());
        model.addAttribute("soldTodayLink", soldLink(figures.today(), figures.today()));
        model.addAttribute("soldWeekLink", soldLink(figures.weekStart(), figures.weekStart().plusDays(6)));
        model.addAttribute("soldMonthLink", soldLink(figures.days().getFirst(), figures.today()));
        model.addAttribute("hoursChart", hoursChart(figures.jobs().hours()));
        model.addAttribute("revenueCharts", figures.currencies().stream().map(currency -> revenueChart(figures, currency)).toList());
        model.addAttribute("revenue", figures.currencies().stream().map(currency -> new Revenue(currency,
                amount(figures.soldToday().revenue(), currency), amount(figures.soldThisWeek().revenue(), currency),
                amount(figures.daily().stream().flatMap(day -> day.revenue().entrySet().stream())
                        .filter(entry -> entry.getKey().equals(currency)).mapToLong(Map.Entry::getValue).sum(), currency)))
                .toList());
        return "admin/dashboard";
    }

    /** One currency's revenue today, this week and in the last {@value Dashboard#DAYS} days, formatted. */
    record Revenue(String currency, String today, String week, String month) {
    }

    private static String amount(Map<String, Long> revenue, String currency) {
        return Money.format(revenue.getOrDefault(currency, 0L), currency);
    }

    private static String amount(long amountMinor, String currency) {
        return Money.format(amountMinor, currency);
    }

    private BarChart hoursChart(List<JobFigures.Counts> hours) {
        List<BarChart.Point> points = new ArrayList<>();
        for (JobFigures.Counts hour : hours) {
            ZonedDateTime start = hour.start().atZone(clock.getZone());
            String day = start.toLocalDate().toString();
            points.add(new BarChart.Point(HOUR.format(start), hour.submitted(), Long.toString(hour.submitted()),
                    jobsLink(null, day, day, null)));
        }
        return BarChart.of("jobs-chart", "Jobs submitted per hour, last " + Dashboard.HOURS + " hours", "jobs", points, 3);
    }

    private BarChart revenueChart(Dashboard.Figures figures, String currency) {
        List<BarChart.Point> points = new ArrayList<>();
        for (int i = 0; i < figures.days().size(); i++) {
            LocalDate day = figures.days().get(i);
            long amount = figures.daily().get(i).revenue().getOrDefault(currency, 0L);
            points.add(new BarChart.Point(DAY.format(day), amount, Money.format(amount, currency), soldLink(day, day)));
        }
        return BarChart.of("revenue-chart-" + currency.toLowerCase(Locale.ROOT),
                "Revenue per day in " + currency + ", last " + Dashboard.DAYS + " days", currency + " (minor units)", points, 5);
    }

    static String jobsLink(String state, String from, String to, String error) {
        return AdminLinks.of("/admin/jobs", "state", state, "from", from, "to", to, "error", error);
    }

    static String soldLink(LocalDate from, LocalDate to) {
        return AdminLinks.of("/admin/payments", "state", "SOLD", "from", from.toString(), "to", to.toString());
    }

    /** "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
    static String duration(Duration wait) {
        long seconds = wait.toSeconds();
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min";
        }
        return seconds < 86400 ? seconds / 3600 + " h " + seconds % 3600 / 60 + " min"
                : seconds / 86400 + " d " + seconds % 86400 / 3600 + " h";
    }
}
