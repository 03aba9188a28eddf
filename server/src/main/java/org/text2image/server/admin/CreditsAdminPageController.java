package org.text2image.server.admin;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.CreditAdjustments;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.InvalidAdjustmentException;
import org.text2image.server.credits.LedgerInvariants;

/**
 * Admin pages about credits: {@code /admin/credits} adjusts a user's credits (with a mandatory
 * reason, recorded in the audit log) and {@code /admin/ledger} runs the ledger's invariant check.
 * For anyone but an admin they do not exist (404, {@code web/PageSecurity}).
 */
@Controller
@RequestMapping("/admin")
class CreditsAdminPageController {

    private static final int AUDIT_ROWS = 50;

    private final AccountService accounts;
    private final CreditAdjustments adjustments;
    private final CreditStatements statements;
    private final LedgerInvariants invariants;

    CreditsAdminPageController(AccountService accounts, CreditAdjustments adjustments, CreditStatements statements,
                               LedgerInvariants invariants) {
        this.accounts = accounts;
        this.adjustments = adjustments;
        this.statements = statements;
        this.invariants = invariants;
    }

    @GetMapping("/credits")
    String page(Model model) {
        return show(model, new AdjustmentForm("", "", "", ""), Map.of(), null);
    }

    @PostMapping("/credits")
    ModelAndView adjust(@AuthenticationPrincipal SignedInUser admin, @RequestParam(defaultValue = "") String email,
                        @RequestParam(defaultValue = "") String amount, @RequestParam(defaultValue = "") String reason,
                        @RequestParam(defaultValue = "") String expiresInDays, Model model) {
        AdjustmentForm form = new AdjustmentForm(email, amount, reason, expiresInDays);
        Map<String, String> errors = new LinkedHashMap<>();
        SignedInUser user = accounts.findByEmail(email).orElse(null);
        if (user == null) {
            errors.put("user", email.isBlank() ? "Enter the user's email." : "No user has the email \"" + abbreviate(email) + "\".");
        }
        Long credits = parseLong(amount, "amount", "The amount must be a whole number of credits, such as 10 or -5.", errors);
        Long days = expiresInDays.isBlank() ? null
                : parseLong(expiresInDays, "expiresInDays", "Expiry must be a whole number of days.", errors);
        if (errors.isEmpty()) {
            try {
                adjustments.adjust(admin.id(), user.id(), credits, reason, days == null ? null : Math.toIntExact(days));
                String notice = (credits > 0 ? "Added " + credits : "Removed " + -credits) + " credits "
                        + (credits > 0 ? "to " : "from ") + user.email() + ". Balance now "
                        + statements.balance(user.id()).availableCredits() + " available.";
                return new ModelAndView(show(model, new AdjustmentForm("", "", "", ""), Map.of(), notice));
            } catch (InvalidAdjustmentException e) {
                errors.putAll(e.fieldErrors());
            } catch (ArithmeticException e) {
                errors.put("expiresInDays", "Expiry must be between 1 and " + CreditAdjustments.MAX_EXPIRY_DAYS + " days.");
            }
        }
        ModelAndView page = new ModelAndView(show(model, form, errors, null));
        page.setStatus(HttpStatus.UNPROCESSABLE_CONTENT);
        return page;
    }

    @GetMapping("/ledger")
    String ledgerCheck(Model model) {
        List<String> violations = invariants.violations();
        model.addAttribute("violations", violations);
        return "admin/ledger";
    }

    private String show(Model model, AdjustmentForm form, Map<String, String> errors, String notice) {
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("notice", notice);
        model.addAttribute("audit", auditLines());
        return "admin/credits";
    }

    /** The newest audit rows with the emails of their admin and user, from the account module. */
    private List<AuditLine> auditLines() {
        List<CreditAdjustments.AuditRow> rows = adjustments.audit(AUDIT_ROWS);
        Set<Long> users = new HashSet<>();
        rows.forEach(row -> {
            users.add(row.adminId());
            if (row.targetUserId() != null) {
                users.add(row.targetUserId());
            }
        });
        Map<Long, String> emails = accounts.emails(users);
        return rows.stream().map(row -> new AuditLine(row.createdAt(), emails.get(row.adminId()),
                row.targetUserId() == null ? null : emails.get(row.targetUserId()), row.amountCredits(), row.reason()))
                .toList();
    }

    private static Long parseLong(String text, String field, String message, Map<String, String> errors) {
        try {
            return Long.parseLong(text.strip().replace('−', '-'));
        } catch (NumberFormatException e) {
            errors.put(field, message);
            return null;
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }


    /** One audit row as the page shows it. */
    record AuditLine(Instant createdAt, String adminEmail, String targetEmail, Long amountCredits, String reason) {
    }

    /** The form as typed, to show it again beside its errors. */
    record AdjustmentForm(String email, String amount, String reason, String expiresInDays) {
    }
}
