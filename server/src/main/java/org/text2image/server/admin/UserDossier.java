package org.text2image.server.admin;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.text2image.server.account.AccountDirectory;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.DeletionRequests;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.account.UserSessions;
import org.text2image.server.credits.AdminAuditLog;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.HistoryPage;
import org.text2image.server.payments.Payment;
import org.text2image.server.payments.PaymentReview;

/** Everything the admin's user page shows about one account, gathered from the modules that own it. */
@Component
class UserDossier {

    private static final int JOBS = 20;
    private static final int AUDIT_ROWS = 50;

    private final AccountDirectory directory;
    private final AccountService accounts;
    private final CreditStatements statements;
    private final GenerationService generation;
    private final PaymentReview payments;
    private final UserSessions sessions;
    private final AdminAuditLog audit;
    private final DeletionRequests deletionRequests;

    UserDossier(AccountDirectory directory, AccountService accounts, CreditStatements statements,
                GenerationService generation, PaymentReview payments, UserSessions sessions, AdminAuditLog audit,
                DeletionRequests deletionRequests) {
        this.directory = directory;
        this.accounts = accounts;
        this.statements = statements;
        this.generation = generation;
        this.payments = payments;
        this.sessions = sessions;
        this.audit = audit;
        this.deletionRequests = deletionRequests;
    }

    /**
     * One user's page.
     *
     * @param jobs the newest {@value #JOBS} jobs and the total
     * @param deletionRequestedAt when the user asked for deletion, or null
     */
    record Dossier(AccountDirectory.AccountView account, Balance balance, HistoryPage jobs, List<Payment> payments,
                   List<UserSessions.SessionInfo> sessions, List<AuditPageController.AuditLine> audit,
                   Instant deletionRequestedAt) {
    }

    /** The dossier of the account with this id, if there is one. */
    Optional<Dossier> of(long userId) {
        Optional<AccountDirectory.AccountView> account = directory.find(userId);
        Optional<SignedInUser> user = accounts.find(userId);
        if (account.isEmpty() || user.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Dossier(account.get(), statements.balance(userId), generation.history(userId, 0, JOBS),
                payments.ofUser(userId), sessions.of(user.get(), null),
                AuditPageController.lines(audit.about(userId, AUDIT_ROWS), accounts),
                deletionRequests.requestedAt(userId).orElse(null)));
    }
}
