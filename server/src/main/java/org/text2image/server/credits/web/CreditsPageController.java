package org.text2image.server.credits.web;

import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.EntryLinks;
import org.text2image.server.credits.LedgerEntry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * {@code /credits}: the balance, credits that will expire, this week's and this month's totals,
 * and the whole credit history, {@value #PAGE_SIZE} entries a page ({@code ?page=N}), each with
 * its date, change, balances after and a link to its job or to what else caused it
 * ({@link EntryLinks}, such as a purchase's payment). The page links to the Buy credits page.
 */
@Controller
class CreditsPageController {

    /** Ledger entries per page. */
    static final int PAGE_SIZE = 50;

    private final CreditStatements statements;
    private final List<EntryLinks> entryLinks;
    private final Clock clock;

    CreditsPageController(CreditStatements statements, List<EntryLinks> entryLinks, Clock clock) {
        this.statements = statements;
        this.entryLinks = entryLinks;
        this.clock = clock;
    }

    /** The user id comes from the principal by expression, so the ledger stays free of the account feature. */
    @GetMapping("/credits")
    String credits(@AuthenticationPrincipal(expression = "id") long userId,
                   @RequestParam(defaultValue = "1") String page, Model model) {
        long total = statements.entryCount(userId);
        int pages = (int) Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
        int current = parsePage(page, pages);
        ZonedDateTime now = ZonedDateTime.now(clock.withZone(ZoneOffset.UTC));
        Instant weekStart = now.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                .atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant monthStart = now.toLocalDate().withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        model.addAttribute("balance", statements.balance(userId));
        List<LedgerEntry> entries = statements.entries(userId, (current - 1) * PAGE_SIZE, PAGE_SIZE);
        Map<Long, EntryLinks.Link> links = new HashMap<>();
        entryLinks.forEach(source -> links.putAll(source.links(userId, entries)));
        model.addAttribute("entries", entries);
        model.addAttribute("entryLinks", links);
        model.addAttribute("page", current);
        model.addAttribute("pages", pages);
        model.addAttribute("week", statements.totals(userId, weekStart));
        model.addAttribute("month", statements.totals(userId, monthStart));
        model.addAttribute("lots", statements.expiring(userId));
        return "credits/credits";
    }

    /** The page number asked for, within 1…pages (anything else shows page 1 or the last). */
    private static int parsePage(String text, int pages) {
        try {
            return Math.clamp(Integer.parseInt(text.strip()), 1, pages);
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
