package org.text2image.server.admin;

import java.util.List;
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
import org.text2image.server.api.ApiKeys;
import org.text2image.server.credits.AdminAuditLog;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.generation.GeneratedImages;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.help.SupportChat;
import org.text2image.server.notifications.MailOutbox;
import org.text2image.server.payments.AccountClosing;
import org.text2image.server.plans.PlanTerms;
import org.text2image.server.support.InvalidInputException;
import org.text2image.server.support.Plurals;
import org.text2image.server.training.LoraDatasets;
import org.text2image.server.training.LoraTrainings;

/**
 * Deletes an account on request. First a card subscription is cancelled at Stripe (if Stripe
 * refuses, nothing is deleted). Then in one transaction: the plan term is removed (no more plan
 * credits), sign-in is refused, the API keys are revoked and their webhooks removed, the active jobs are
 * cancelled (their holds released first), the image rows, previews and prompts are removed, the
 * remaining balance is forfeited by one DEBIT entry (idempotency key {@code account-deleted:<id>}),
 * the mails to or about the account, its support conversation, its LoRA trainings, LoRAs and datasets are deleted, the account
 * row is anonymised (its email freed) and an audit row is written. After it commits the sessions end and the image
 * files (and the dataset and LoRA files) go. The
 * ledger, the payments and the job rows stay for the books, pointing at the anonymised row.
 */
@Service
class AccountDeletion {

    private static final Logger log = LoggerFactory.getLogger(AccountDeletion.class);

    private final AccountService accounts;
    private final AccountDirectory directory;
    private final GenerationService generation;
    private final GeneratedImages images;
    private final CreditLedger ledger;
    private final CreditStatements statements;
    private final MailOutbox outbox;
    private final UserSessions sessions;
    private final AdminAuditLog audit;
    private final SupportChat support;
    private final PlanTerms plans;
    private final AccountClosing payments;
    private final ApiKeys apiKeys;
    private final LoraDatasets datasets;
    private final LoraTrainings trainings;
    private final TransactionTemplate transactions;

    AccountDeletion(AccountService accounts, AccountDirectory directory, GenerationService generation,
                    GeneratedImages images, CreditLedger ledger, CreditStatements statements, MailOutbox outbox,
                    UserSessions sessions, AdminAuditLog audit, SupportChat support, PlanTerms plans, AccountClosing payments,
                    ApiKeys apiKeys, LoraDatasets datasets, LoraTrainings trainings, TransactionTemplate transactions) {
        this.datasets = datasets;
        this.trainings = trainings;
        this.apiKeys = apiKeys;
        this.plans = plans;
        this.payments = payments;
        this.accounts = accounts;
        this.directory = directory;
        this.generation = generation;
        this.images = images;
        this.ledger = ledger;
        this.statements = statements;
        this.outbox = outbox;
        this.sessions = sessions;
        this.audit = audit;
        this.support = support;
        this.transactions = transactions;
    }

    /**
     * Deletes the account.
     *
     * @param confirmEmail the account's email as the admin typed it (compared case-insensitively)
     * @return a notice for the page
     * @throws InvalidInputException under {@code confirm} when the email does not match, the account
     *     is an admin's or already deleted; under {@code reason} for a blank or over-long reason
     * @throws NoSuchElementException when there is no such account
     */
    String delete(SignedInUser admin, long userId, String confirmEmail, String reason) {
        SignedInUser user = accounts.find(userId).orElseThrow(() -> new NoSuchElementException("No user " + userId));
        check(user, confirmEmail);
        String why = UserAdministration.validReason(reason);
        try {
            payments.beforeDeletion(userId);
        } catch (IllegalStateException e) {
            throw new InvalidInputException(Map.of("confirm", e.getMessage()));
        }
        Deleted deleted = transactions.execute(status -> deleteRows(admin, user, why));
        sessions.endAll(user, null);
        images.deleteFiles(deleted.images());
        datasets.deleteFiles(deleted.datasetFiles());
        trainings.deleteFiles(deleted.loraFiles());
        String removed = Plurals.count(deleted.images().size(), "image") + " removed, "
                + Plurals.count(deleted.forfeited(), "credit") + " forfeited";
        log.info("Admin {} deleted account {}: {}", admin.id(), userId, removed);
        return "Deleted account #" + userId + ": " + removed + ".";
    }

    private void check(SignedInUser user, String confirmEmail) {
        if (directory.find(user.id()).map(AccountDirectory.AccountView::deleted).orElse(true)) {
            throw new InvalidInputException(Map.of("confirm", "This account is already deleted."));
        }
        if (user.admin()) {
            throw new InvalidInputException(Map.of("confirm", "An admin's account cannot be deleted here."));
        }
        if (confirmEmail == null || !confirmEmail.strip().equalsIgnoreCase(user.email())) {
            throw new InvalidInputException(Map.of("confirm", "Type the user's email exactly to confirm the deletion."));
        }
    }

    private Deleted deleteRows(SignedInUser admin, SignedInUser user, String why) {
        long userId = user.id();
        plans.forget(userId); // first: a plan grant locks the term before the account row
        directory.setDisabled(userId, true);
        apiKeys.forget(userId); // before the jobs end: no webhook for their cancellation
        int jobs = generation.cancelAll(userId, "Cancelled: the account was deleted.");
        List<GeneratedImages.RemovedImage> removed = images.forgetUser(userId);
        ledger.expireDue(userId);
        long available = statements.balance(userId).availableCredits();
        if (available > 0) {
            ledger.debit(userId, available, "account-deleted:" + userId, "Forfeited: account deleted");
        }
        outbox.forget(userId, user.email());
        support.forget(userId);
        List<String> loraFiles = trainings.forgetUser(userId); // before the datasets: trainings point at them
        List<String> datasetFiles = datasets.forgetUser(userId);
        directory.anonymise(userId);
        audit.record(admin.id(), "USER_DELETED", userId, available > 0 ? -available : null, why,
                "account with " + Plurals.count(removed.size(), "image") + "; "
                        + Plurals.count(jobs, "active job") + " cancelled", "deleted");
        return new Deleted(removed, available, datasetFiles, loraFiles);
    }

    private record Deleted(List<GeneratedImages.RemovedImage> images, long forfeited, List<String> datasetFiles,
                           List<String> loraFiles) {
    }
}
