package org.text2image.server.admin;

import java.util.Map;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.AccountDirectory;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.account.UserSessions;
import org.text2image.server.credits.AdminAuditLog;
import org.text2image.server.credits.CreditAdjustments;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.support.InvalidInputException;
import org.text2image.server.support.Plurals;

/**
 * What an admin does to a user's account on {@code /admin/users}: disable (sign-in refused, queued
 * and running jobs cancelled with their holds released, sessions ended), enable, and end sessions.
 * Each change and its audit row are one transaction; sessions end after it commits. Every method
 * validates first: bad input changes nothing.
 */
@Service
class UserAdministration {

    private static final Logger log = LoggerFactory.getLogger(UserAdministration.class);

    private final AccountService accounts;
    private final AccountDirectory directory;
    private final GenerationService generation;
    private final UserSessions sessions;
    private final AdminAuditLog audit;
    private final TransactionTemplate transactions;

    UserAdministration(AccountService accounts, AccountDirectory directory, GenerationService generation,
                       UserSessions sessions, AdminAuditLog audit, TransactionTemplate transactions) {
        this.accounts = accounts;
        this.directory = directory;
        this.generation = generation;
        this.sessions = sessions;
        this.audit = audit;
        this.transactions = transactions;
    }

    /**
     * Disables the account: it cannot sign in, its active jobs are cancelled (holds released) and
     * its sessions end.
     *
     * @return a notice for the page
     * @throws InvalidInputException under {@code reason} for a blank or over-long reason, or when
     *     the admin disables their own account
     * @throws NoSuchElementException when there is no such account
     */
    String disable(SignedInUser admin, long userId, String reason) {
        SignedInUser user = existing(userId);
        String why = validReason(reason);
        if (user.id() == admin.id()) {
            throw new InvalidInputException(Map.of("reason", "You cannot disable your own account."));
        }
        Integer cancelled = transactions.execute(status -> {
            if (!directory.setDisabled(userId, true)) {
                return null;
            }
            int jobs = generation.cancelAll(userId, "Cancelled: the account was disabled.");
            audit.record(admin.id(), "USER_DISABLED", userId, null, why, "enabled", "disabled; " + Plurals.count(jobs, "job") + " cancelled");
            return jobs;
        });
        if (cancelled == null) {
            return user.email() + " was already disabled; nothing changed.";
        }
        int ended = sessions.endAll(user, null);
        log.info("Admin {} disabled user {}: {} cancelled, {} ended", admin.id(), userId, Plurals.count(cancelled, "job"),
                Plurals.count(ended, "session"));
        return "Disabled " + user.email() + ": " + Plurals.count(cancelled, "job") + " cancelled, "
                + Plurals.count(ended, "session") + " ended.";
    }

    /**
     * Lets a disabled account sign in again.
     *
     * @return a notice for the page
     * @throws InvalidInputException under {@code reason} for a blank or over-long reason
     * @throws NoSuchElementException when there is no such account
     */
    String enable(SignedInUser admin, long userId, String reason) {
        SignedInUser user = existing(userId);
        String why = validReason(reason);
        if (directory.find(userId).map(AccountDirectory.AccountView::deleted).orElse(false)) {
            throw new InvalidInputException(Map.of("reason", "This account is deleted: it cannot be enabled."));
        }
        Boolean changed = transactions.execute(status -> {
            boolean enabled = directory.setDisabled(userId, false);
            if (enabled) {
                audit.record(admin.id(), "USER_ENABLED", userId, null, why, "disabled", "enabled");
            }
            return enabled;
        });
        return Boolean.TRUE.equals(changed) ? "Enabled " + user.email() + ": they can sign in again."
                : user.email() + " was not disabled; nothing changed.";
    }

    /**
     * Ends every session of the account (it stays enabled: its user can sign in again).
     *
     * @return a notice for the page
     * @throws NoSuchElementException when there is no such account
     */
    String endSessions(SignedInUser admin, long userId) {
        SignedInUser user = existing(userId);
        int ended = sessions.endAll(user, null);
        transactions.executeWithoutResult(status -> audit.record(admin.id(), "USER_SESSIONS_ENDED", userId, null,
                "Signed out everywhere by an admin", Plurals.count(ended, "session"), "0 sessions"));
        return "Ended " + Plurals.count(ended, "session") + " of " + user.email() + ".";
    }

    private SignedInUser existing(long userId) {
        return accounts.find(userId).orElseThrow(() -> new NoSuchElementException("No user " + userId));
    }

    /** The reason, stripped; refused when blank, too long or with control characters. */
    static String validReason(String reason) {
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty()) {
            throw new InvalidInputException(Map.of("reason", "A reason is required: it goes into the audit log."));
        }
        if (why.length() > CreditAdjustments.MAX_REASON) {
            throw new InvalidInputException(Map.of("reason",
                    "The reason may be at most " + CreditAdjustments.MAX_REASON + " characters."));
        }
        if (why.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException(Map.of("reason", "The reason may not contain control characters."));
        }
        return why;
    }
}
