package org.text2image.server.admin;

import org.text2image.server.notifications.MailOutbox;
import org.text2image.server.notifications.OutboxDelivery;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * {@code /admin/outbox} (admins only; anyone else gets the 404 page, like the other admin pages):
 * the newest outbox mails with recipient, subject, created time, status and the last error, and
 * whether an SMTP server is configured. Without one this is where mails can be read.
 */
@Controller
class OutboxPageController {

    /** Mails listed, newest first. */
    static final int LISTED = MailOutbox.MAX_LISTED;

    private final MailOutbox outbox;
    private final OutboxDelivery delivery;

    OutboxPageController(MailOutbox outbox, OutboxDelivery delivery) {
        this.outbox = outbox;
        this.delivery = delivery;
    }

    @GetMapping("/admin/outbox")
    String page(Model model) {
        model.addAttribute("mails", outbox.newest(LISTED));
        model.addAttribute("total", outbox.count());
        model.addAttribute("smtpConfigured", delivery.smtpConfigured());
        return "admin/outbox";
    }
}
