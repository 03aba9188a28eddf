package org.text2image.server.admin;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.CreditAdjustments;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.Credits;
import org.text2image.server.credits.InvalidAdjustmentException;
import org.text2image.server.credits.LedgerInvariants;

/**
 * Admin pages about credits: {@code /admin/credits} adjusts a user's credits (with a mandatory
 * reason, recorded in the audit log) and {@code /admin/ledger} runs the ledger's invariant check.
 * For anyone but an admin they do not exist (404, {@code web/PageSecurity}).
 *
 * <p>The adjustment form moves credits, so it follows POST-redirect-GET and carries a one-time
 * key: each rendering of the form gets a fresh key in a hidden field, the ledger takes it as the
 * adjustment's idempotency key, and a successful POST answers 303 See Other with its notice as a
 * flash attribute. Reloading the result page repeats only the GET; resubmitting the same form (back
 * button, double click) applies nothing more and says so.
 */
@Controller
@RequestMapping("/admin")
class CreditsAdminPageController {

    private static final int AUDIT_ROWS = 50;
    /** Longest email looked up (an address has at most 254 characters). */
    private static final int MAX_EMAIL = 254;

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
        return show(model, AdjustmentForm.blank(), Map.of());
    }

    @PostMapping("/credits")
    ModelAndView adjust(@AuthenticationPrincipal SignedInUser admin, @ModelAttribute AdjustmentForm form,
                        RedirectAttributes redirect, Model model) {
        Map<String, String> errors = new LinkedHashMap<>();
        SignedInUser user = findUser(form.email(), errors);
        Long credits = parseLong(form.amount(), "amount", "The amount must be a whole number of credits, such as 10 or -5.", errors);
        Long days = form.expiresInDays().isBlank() ? null
                : parseLong(form.expiresInDays(), "expiresInDays", "Expiry must be a whole number of days.", errors);
        if (errors.isEmpty()) {
            try {
                boolean applied = adjustments.adjust(admin.id(), user.id(), credits, form.reason(),
                        days == null ? null : Math.toIntExact(days), form.adjustmentKey());
                redirect.addFlashAttribute("notice", notice(applied, credits, user));
                ModelAndView done = new ModelAndView("redirect:/admin/credits");
                done.setStatus(HttpStatus.SEE_OTHER);
                return done;
            } catch (InvalidAdjustmentException e) {
                errors.putAll(e.fieldErrors());
            } catch (ArithmeticException e) {
                errors.put("expiresInDays", "Expiry must be between 1 and " + CreditAdjustments.MAX_EXPIRY_DAYS + " days.");
            }
        }
        // A refused form keeps its key, so the corrected form still applies once; a bad key gets a new one.
        AdjustmentForm shown = errors.containsKey("key") ? form.withKey(newKey()) : form;
        ModelAndView page = new ModelAndView(show(model, shown, errors));
        page.setStatus(HttpStatus.UNPROCESSABLE_CONTENT);
        return page;
    }

    @GetMapping("/ledger")
    String ledgerCheck(Model model) {
        model.addAttribute("violations", invariants.violations());
        return "admin/ledger";
    }

    private String notice(boolean applied, long credits, SignedInUser user) {
        long available = statements.balance(user.id()).availableCredits();
        if (!applied) {
            return "This adjustment was already applied; nothing changed. Balance of " + user.email() + ": "
                    + available + " available.";
        }
        return (credits > 0 ? "Added " + Credits.format(credits) + " to " : "Removed " + Credits.format(-credits) + " from ")
                + user.email() + ". Balance now " + available + " available.";
    }

    private String show(Model model, AdjustmentForm form, Map<String, String> errors) {
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
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

    /** The user with this email, or null with the reason in {@code errors}. */
    private SignedInUser findUser(String email, Map<String, String> errors) {
        if (email.isBlank()) {
            errors.put("user", "Enter the user's email.");
            return null;
        }
        if (email.length() > MAX_EMAIL || email.chars().anyMatch(Character::isISOControl)) {
            errors.put("user", "No user has that email.");
            return null;
        }
        SignedInUser user = accounts.findByEmail(email).orElse(null);
        if (user == null) {
            errors.put("user", "No user has the email \"" + abbreviate(email) + "\".");
        }
        return user;
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

    private static String newKey() {
        return UUID.randomUUID().toString();
    }

    /** One audit row as the page shows it. */
    record AuditLine(Instant createdAt, String adminEmail, String targetEmail, Long amountCredits, String reason) {
    }

    /**
     * The form as typed, to show it again beside its errors; absent fields are empty.
     *
     * @param adjustmentKey the one-time key the form was rendered with (hidden field)
     */
    record AdjustmentForm(String email, String amount, String reason, String expiresInDays, String adjustmentKey) {

        AdjustmentForm {
            email = email == null ? "" : email;
            amount = amount == null ? "" : amount;
            reason = reason == null ? "" : reason;
            expiresInDays = expiresInDays == null ? "" : expiresInDays;
            adjustmentKey = adjustmentKey == null ? "" : adjustmentKey;
        }

        /** An empty form with a fresh key. */
        static AdjustmentForm blank() {
            return new AdjustmentForm("", "", "", "", newKey());
        }

        AdjustmentForm withKey(String key) {
            return new AdjustmentForm(email, amount, reason, expiresInDays, key);
        }
    }
}
