package org.text2image.server.admin;

import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.AccountDirectory;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.AdminAuditLog;
import org.text2image.server.credits.Credits;
import org.text2image.server.generation.JobAdministration;
import org.text2image.server.generation.JobView;
import org.text2image.server.notifications.MailOutbox;
import org.text2image.server.support.InvalidInputException;
import org.text2image.server.support.SiteProperties;

/**
 * "Run again at the user's cost" asks the user, never charges them: an admin sends an offer mail
 * (through the outbox) with a link to the Generate page filled in with the job's settings
 * ({@code /generate?from=<job id>}, which only the job's owner can open). Nothing is held or charged
 * until the user presses Generate there themselves: their own submit is their consent, at the price
 * the page shows them. The offer, its audit row and its one-time key are one transaction, so a
 * double click sends one mail.
 */
@Service
class RerunOffers {

    private final JobAdministration jobs;
    private final AccountDirectory directory;
    private final MailOutbox outbox;
    private final AdminAuditLog audit;
    private final AdminActionKeys keys;
    private final SiteProperties site;
    private final TransactionTemplate transactions;

    RerunOffers(JobAdministration jobs, AccountDirectory directory, MailOutbox outbox, AdminAuditLog audit,
                AdminActionKeys keys, SiteProperties site, TransactionTemplate transactions) {
        this.jobs = jobs;
        this.directory = directory;
        this.outbox = outbox;
        this.audit = audit;
        this.keys = keys;
        this.site = site;
        this.transactions = transactions;
    }

    /**
     * Mails the job's owner an offer to run it again.
     *
     * @param key the form's one-time key
     * @return a notice for the page
     * @throws InvalidInputException under {@code offer} (or {@code key}) for a bad key or reason, or a
     *     deleted or disabled account
     * @throws NoSuchElementException when there is no such job
     */
    String offer(SignedInUser admin, UUID jobId, String reason, String key) {
        JobView job = jobs.detail(jobId).map(JobAdministration.JobDetail::job)
                .orElseThrow(() -> new NoSuchElementException("No job " + jobId));
        JobActions.requireKey(key);
        String why;
        try {
            why = UserAdministration.validReason(reason);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(Map.of("offer", e.getMessage()));
        }
        AccountDirectory.AccountView account = directory.find(job.userId()).orElseThrow();
        if (account.deleted() || account.disabled()) {
            throw new InvalidInputException(Map.of("offer", "The account is " + (account.deleted() ? "deleted" : "disabled")
                    + ": no offer can be sent."));
        }
        Boolean sent = transactions.execute(status -> {
            if (keys.claim(key, "JOB_RERUN_OFFERED", admin.id()).isPresent()) {
                return false;
            }
            long mail = outbox.enqueue(job.userId(), account.email(), "Run your image again?", body(job));
            audit.record(admin.id(), "JOB_RERUN_OFFERED", job.userId(), null, why, "job " + jobId + " " + job.status(),
                    "offer mailed (outbox " + mail + ")");
            keys.result(key, Long.toString(mail));
            return true;
        });
        return Boolean.TRUE.equals(sent) ? "Mailed " + account.email() + " an offer to run the job again."
                : "This offer was already sent; no second mail.";
    }

    private String body(JobView job) {
        String prompt = job.parameters().prompt();
        String quoted = prompt.length() > 80 ? prompt.substring(0, 80) + "…" : prompt;
        return """
                Hello,

                We are sorry that your image "%s" did not turn out as it should. You can run it again with \
                the same settings:

                %s

                The Generate page opens with that job's settings filled in. Nothing is charged unless you press \
                Generate there; then the usual price applies (%s for these settings, shown on the page), held \
                until the images are saved and released if they fail.

                — Text2Image
                """.formatted(quoted, site.link("/generate?from=" + job.id()), Credits.format(job.parameters().priceCredits()));
    }
}
