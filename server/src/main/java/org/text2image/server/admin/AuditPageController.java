package org.text2image.server.admin;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.text2image.server.account.AccountDirectory;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.AdminAuditLog;

/**
 * {@code /admin/audit}: the audit log of every admin action, newest first, 50 rows a page,
 * searchable by text (action, reason, states) or by the email of the admin or the user. For anyone
 * but an admin it does not exist (404, {@code web/PageSecurity}).
 */
@Controller
class AuditPageController {

    static final int PAGE_SIZE = 50;

    private final AdminAuditLog audit;
    private final AccountDirectory directory;
    private final AccountService accounts;

    AuditPageController(AdminAuditLog audit, AccountDirectory directory, AccountService accounts) {
        this.audit = audit;
        this.directory = directory;
        this.accounts = accounts;
    }

    @GetMapping("/admin/audit")
    String page(@RequestParam(defaultValue = "") String q, @RequestParam(defaultValue = "0") String page, Model model) {
        String text = q.length() > AdminAuditLog.MAX_QUERY ? q.substring(0, AdminAuditLog.MAX_QUERY) : q.strip();
        List<Long> matchingUsers = text.isEmpty() ? List.of() : directory.idsMatching(text);
        AdminAuditLog.AuditPage found = audit.search(text, matchingUsers, PageNumbers.of(page), PAGE_SIZE);
        model.addAttribute("q", text);
        model.addAttribute("found", found);
        model.addAttribute("lines", lines(found.rows(), accounts));
        return "admin/audit";
    }

    /** The rows with the emails of their admin and user, from the account module. */
    static List<AuditLine> lines(List<AdminAuditLog.AuditEntry> rows, AccountService accounts) {
        Set<Long> users = new HashSet<>();
        rows.forEach(row -> {
            users.add(row.adminId());
            if (row.targetUserId() != null) {
                users.add(row.targetUserId());
            }
        });
        Map<Long, String> emails = accounts.emails(users);
        return rows.stream().map(row -> new AuditLine(row.createdAt(), emails.get(row.adminId()), row.action(),
                row.targetUserId(), row.targetUserId() == null ? null : emails.get(row.targetUserId()),
                row.amountCredits(), row.reason(), row.beforeState(), row.afterState())).toList();
    }

    /** One audit row as the page shows it; the emails are null for an account no longer there. */
    record AuditLine(Instant createdAt, String adminEmail, String action, Long targetUserId, String targetEmail,
                     Long amountCredits, String reason, String before, String after) {
    }
}
