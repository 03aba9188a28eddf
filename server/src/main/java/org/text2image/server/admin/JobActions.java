package org.text2image.server.admin;

import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.AccountDirectory;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.AdminAuditLog;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.credits.LotSource;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobAdministration;
import org.text2image.server.generation.JobNotCancellableException;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.TooManyQueuedJobsException;
import org.text2image.server.support.InvalidInputException;

/**
 * What an admin does to a job on {@code /admin/jobs/{id}}, each with its audit row in the same
 * transaction: cancel it (any user's; the hold is released), run it again free (a new job with the
 * same settings, paid by an admin grant of exactly its price), or offer the user to run it again at
 * their own cost (a mail, {@link RerunOffers}). Each method validates first; a refusal changes
 * nothing and says why under its form's field.
 *
 * <p>A free re-run moves credits, so its form carries a one-time key ({@link AdminActionKeys}):
 * however often the form is sent, one grant and one job are made, and a replay is told which job.
 * The grant's ledger key is {@code admin-rerun:<new job id>} and the audit row names both jobs, so
 * the grant, the new job's hold and the old job are linked both ways.
 */
@Service
class JobActions {

    /** The prefix of a free re-run's grant key; the new job's id follows. */
    static final String RERUN_GRANT = "admin-rerun:";

    private static final Logger log = LoggerFactory.getLogger(JobActions.class);

    private final GenerationService generation;
    private final JobAdministration jobs;
    private final CreditLedger ledger;
    private final AdminAuditLog audit;
    private final AdminActionKeys keys;
    private final AccountDirectory directory;
    private final TransactionTemplate transactions;

    JobActions(GenerationService generation, JobAdministration jobs, CreditLedger ledger, AdminAuditLog audit,
               AdminActionKeys keys, AccountDirectory directory, TransactionTemplate transactions) {
        this.generation = generation;
        this.jobs = jobs;
        this.ledger = ledger;
        this.audit = audit;
        this.keys = keys;
        this.directory = directory;
        this.transactions = transactions;
    }

    /**
     * Cancels a queued or running job of any user: its hold is released, its page says an admin
     * cancelled it, and the audit log keeps the reason.
     *
     * @return a notice for the page
     * @throws InvalidInputException under {@code reason} for a bad reason, or when the job is finished
     * @throws NoSuchElementException when there is no such job
     */
    String cancel(SignedInUser admin, UUID jobId, String reason) {
        JobView job = existing(jobId);
        String why = UserAdministration.validReason(reason);
        try {
            transactions.executeWithoutResult(status -> {
                generation.cancel(jobId, job.userId(), "Cancelled by an admin. No credits were charged.");
                audit.record(admin.id(), "JOB_CANCELLED", job.userId(), null, why, "job " + jobId + " " + job.status(),
                        "CANCELLED, hold released");
            });
        } catch (JobNotCancellableException e) {
            throw new InvalidInputException(Map.of("reason", "The job is already "
                    + existing(jobId).status().name().toLowerCase(java.util.Locale.ROOT) + "; nothing changed."));
        }
        log.info("Admin {} cancelled job {} of user {}: {}", admin.id(), jobId, job.userId(), why);
        return "Cancelled the job; its hold was released.";
    }

    /**
     * Runs the job again for its user, free: in one transaction an admin grant of exactly the new
     * job's price (never expiring, key {@code admin-rerun:<new job id>}), the new job with the same
     * settings (seed included) holding that price, the audit row and the form's key.
     *
     * @param key the form's one-time key
     * @return the new job's id, and whether it was made now (false: this key had made it before)
     * @throws InvalidInputException under {@code rerun} for a bad key or reason, a deleted or disabled
     *     account, or a job the generator refuses now (model gone, limits, queue full)
     * @throws NoSuchElementException when there is no such job
     */
    Rerun rerunFree(SignedInUser admin, UUID jobId, String reason, String key) {
        JobView job = existing(jobId);
        requireKey(key);
        String why = UserAdministration.validReason(reason);
        requireActiveAccount(job.userId());
        GenerationRequest request = JobAdministration.sameAs(job.parameters());
        try {
            return transactions.execute(status -> {
                Optional<String> earlier = keys.claim(key, "JOB_RERUN_FREE", admin.id());
                if (earlier.isPresent()) {
                    return new Rerun(UUID.fromString(earlier.get()), false);
                }
                long price = generation.quote(request).priceCredits();
                UUID rerun = UUID.randomUUID();
                ledger.grant(job.userId(), price, LotSource.ADMIN, null, RERUN_GRANT + rerun,
                        "Free re-run of job " + shortId(jobId) + " from the admins");
                generation.enqueue(job.userId(), request, rerun);
                audit.record(admin.id(), "JOB_RERUN_FREE", job.userId(), price, why, "job " + jobId,
                        "job " + rerun + " paid by grant " + RERUN_GRANT + rerun);
                keys.result(key, rerun.toString());
                return new Rerun(rerun, true);
            });
        } catch (InvalidInputException e) {
            throw new InvalidInputException(Map.of("rerun", "The job cannot run again now: " + e.getMessage()));
        } catch (TooManyQueuedJobsException e) {
            throw new InvalidInputException(Map.of("rerun", "The user already has as many jobs waiting or running "
                    + "as one user may; try again when one has finished."));
        }
    }

    /**
     * The result of a free re-run.
     *
     * @param jobId the new job
     * @param made whether it was made by this call (false: the form's key had made it before)
     */
    record Rerun(UUID jobId, boolean made) {
    }

    private JobView existing(UUID jobId) {
        return jobs.detail(jobId).map(JobAdministration.JobDetail::job)
                .orElseThrow(() -> new NoSuchElementException("No job " + jobId));
    }

    private void requireActiveAccount(long userId) {
        AccountDirectory.AccountView account = directory.find(userId).orElseThrow();
        if (account.deleted() || account.disabled()) {
            throw new InvalidInputException(Map.of("rerun", "The account is " + (account.deleted() ? "deleted" : "disabled")
                    + ": its jobs cannot run again."));
        }
    }

    static void requireKey(String key) {
        if (key == null || !AdminActionKeys.KEY.matcher(key).matches()) {
            throw new InvalidInputException(Map.of("key", "This form has no valid one-time key: reload the page and try again."));
        }
    }

    static String shortId(UUID jobId) {
        return jobId.toString().substring(0, 8);
    }
}
