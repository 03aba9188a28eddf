package org.text2image.server.admin;

import java.util.Arrays;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.text2image.server.notifications.MailOutbox;
import org.text2image.server.notifications.MailStatus;
import org.text2image.server.notifications.OutboxDelivery;

/**
 * {@code /admin/outbox} (admins only; anyone else gets the 404 page, like the other admin pages):
 * the outbox mails, newest first, searchable by recipient or subject and filtered by status, 50 a
 * page, with created time, status and the last error, and whether an SMTP server is configured. Without one this is where mails can be read.
 */
@Controller
class OutboxPageController {

    /** Mails a page, newest first. */
    static final int PAGE_SIZE = 50;
    /** Longest search text kept. */
    static final int MAX_QUERY = 200;

    private final MailOutbox outbox;
    private final OutboxDelivery delivery;

    OutboxPageController(MailOutbox outbox, OutboxDelivery delivery) {
        this.outbox = outbox;
        this.delivery = delivery;
    }

    /**
     * The outbox, newest first, {@value #PAGE_SIZE} a page.
     *
     * @param q text the recipient or the subject contains (at most {@value #MAX_QUERY} characters kept)
     * @param status PENDING, SENT, LOGGED or FAILED; anything else (or nothing) shows every status
     * @param page the page number; anything but a small non-negative number is the first page
     */
    @GetMapping("/admin/outbox")
    String page(@RequestParam(defaultValue = "") String q, @RequestParam(defaultValue = "") String status,
                @RequestParam(defaultValue = "0") String page, Model model) {
        String text = q.length() > MAX_QUERY ? q.substring(0, MAX_QUERY) : q.strip();
        MailStatus state = parseStatus(status);
        MailOutbox.MailPage found = outbox.search(text, state, PageNumbers.of(page), PAGE_SIZE);
        model.addAttribute("q", text);
        model.addAttribute("status", state == null ? "" : state.name());
        model.addAttribute("statuses", MailStatus.values());
        model.addAttribute("found", found);
        model.addAttribute("mails", found.mails());
        model.addAttribute("total", outbox.count());
        model.addAttribute("smtpConfigured", delivery.smtpConfigured());
        return "admin/outbox";
    }

    private static MailStatus parseStatus(String text) {
        return Arrays.stream(MailStatus.values()).filter(s -> s.name().equalsIgnoreCase(text.strip())).findFirst()
                .orElse(null);
    }
}
