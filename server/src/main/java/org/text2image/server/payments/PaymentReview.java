package org.text2image.server.payments;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.AdminAuditLog;
import org.text2image.server.credits.CreditAdjustments;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LotSource;
import org.text2image.server.plans.Plan;
import org.text2image.server.plans.PlanTerms;
import org.text2image.server.plans.Plans;
import org.text2image.server.plans.SubscriptionSource;
import org.text2image.server.plans.UserPlans;
import org.text2image.server.support.InvalidInputException;

/**
 * The admins' review of UPI payments: the queue of requests pending review, search, and the two
 * decisions. A decision is a conditional UPDATE of the payment ({@code WHERE state =
 * 'PENDING_REVIEW'}), so of two admins deciding at once, or a double click, exactly one decides;
 * the others change nothing and are told what happened. Approving grants the pack's credits through
 * the ledger (a never-expiring lot of source {@link LotSource#PURCHASE}, idempotency key
 * {@code upi:<UTR>}, recorded on the payment as its grant key): at most once per payment, and at
 * most once per UTR. The decision, the grant, the audit row ({@link AdminAuditLog}) and the mail
 * commit together.
 *
 * <p>A plan payment's approval instead puts the user on the plan for the paid period,
 * {@link PlanTerms#apply} with source UPI and one period (start now, extend, upgrade now with the
 * new period's credits, or start at the end of the paid term), in the same transaction: the plan's
 * credits come from the plan's term (ledger key {@code plan:<user>:<period start>}), never twice.
 *
 * <p>Lock order: the payment row, then the user's plan term ({@code plan_subscription}), then what
 * the ledger locks (the account, the lots), then the audit and outbox rows.
 */
@Service
public class PaymentReview {

    /** Most rows the queue and a search show. */
    public static final int MAX_LISTED = 100;
    /** Longest rejection reason, in characters. */
    public static final int MAX_REASON = 500;
    private static final Pattern EMAIL_LIKE = Pattern.compile("\\S+@\\S+");
    private static final Logger log = LoggerFactory.getLogger(PaymentReview.class);

    private final PaymentRows rows;
    private final CreditLedger ledger;
    private final CreditStatements statements;
    private final AdminAuditLog audit;
    private final AccountService accounts;
    private final PaymentMails mails;
    private final Packs packs;
    private final TransactionTemplate tx;
    private final Plans plans;
    private final PlanTerms terms;
    private final UserPlans userPlans;

    PaymentReview(PaymentRows rows, CreditLedger ledger, CreditStatements statements, AdminAuditLog audit,
                  AccountService accounts, PaymentMails mails, Packs packs, TransactionTemplate tx, Plans plans,
                  PlanTerms terms, UserPlans userPlans) {
        this.plans = plans;
        this.terms = terms;
        this.userPlans = userPlans;
        this.rows = rows;
        this.ledger = ledger;
        this.statements = statements;
        this.audit = audit;
        this.accounts = accounts;
        this.mails = mails;
        this.packs = packs;
        this.tx = tx;
    }

    /** Requests pending review, the oldest submitted first. */
    @Transactional(readOnly = true)
    public List<Payment> queue() {
        return rows.inState(PaymentState.PENDING_REVIEW, MAX_LISTED);
    }

    /**
     * Payments whose UTR or reference is the text, or whose user's email is (case-insensitively);
     * newest first. Blank text finds nothing.
     */
    @Transactional(readOnly = true)
    public List<Payment> search(String text) {
        String query = text == null ? "" : text.strip();
        if (query.isEmpty() || query.length() > 254) {
            return List.of();
        }
        Set<Long> users = EMAIL_LIKE.matcher(query).matches()
                ? accounts.findByEmail(query).map(user -> Set.of(user.id())).orElse(Set.of()) : Set.of();
        return rows.search(query, users, MAX_LISTED);
    }

    /** The user's payments, newest first (the queue's "earlier payments"). */
    @Transactional(readOnly = true)
    public List<Payment> ofUser(long userId) {
        return rows.forUser(userId, MAX_LISTED);
    }

    /** The payment with this id. */
    @Transactional(readOnly = true)
    public Optional<Payment> find(long id) {
        return rows.find(id);
    }

    /** The users' emails by id, for the page. */
    public Map<Long, String> emails(Set<Long> userIds) {
        return accounts.emails(userIds);
    }

    /**
     * Approves a request pending review: grants its credits (a plan payment: puts the user on the
     * plan for the paid period) and mails the user.
     *
     * @return the outcome: approved now, or the payment as another decision left it
     * @throws InvalidInputException ({@code payment}) when there is no such payment; ({@code plan})
     *     for a plan payment whose plan is no longer a paid plan of the plans file (nothing changes)
     */
    public Decision approve(long adminId, long paymentId) {
        return tx.execute(status -> {
            Optional<Payment> approved = rows.transition(paymentId, PaymentState.PENDING_REVIEW, PaymentState.APPROVED,
                    "grant_key = 'upi:' || utr, decided_by = ?, decided_at = ?", adminId, rows.now());
            if (approved.isEmpty()) {
                return notPending(paymentId);
            }
            Payment payment = approved.get();
            if (payment.forPlan()) {
                return approvePlan(adminId, payment);
            }
            if (!ledger.grant(payment.userId(), payment.credits(), LotSource.PURCHASE, null, payment.grantKey(),
                    "Bought " + packName(payment) + " (UPI " + payment.reference() + ")")) {
                // The UTR is unique and a payment is approved once, so its key cannot have been used.
                throw new IllegalStateException("Ledger key " + payment.grantKey() + " was used before: not approved");
            }
            audit.record(adminId, "PAYMENT_APPROVED", payment.userId(), payment.credits(),
                    "Approved UPI payment " + payment.reference() + " (UTR " + payment.utr() + ", " + payment.amount() + ")");
            mails.approved(payment, statements.balance(payment.userId()).availableCredits());
            log.info("Admin {} approved payment {} of user {}: {} credits", adminId, payment.reference(),
                    payment.userId(), payment.credits());
            return new Decision(true, payment);
        });
    }

    /** Puts the user of an approved plan payment on its plan; in the approval's transaction. */
    private Decision approvePlan(long adminId, Payment payment) {
        Plan plan = plans.find(payment.planId()).filter(p -> !p.free()).orElseThrow(() -> new InvalidInputException(
                Map.of("plan", "The plan \"" + payment.planId() + "\" of payment " + payment.reference()
                        + " is no longer a paid plan of the plans file: restore it and approve, or reject the payment.")));
        PlanTerms.Change change = terms.apply(payment.userId(), plan, payment.billingPeriod(), SubscriptionSource.UPI, 1);
        audit.record(adminId, "PAYMENT_APPROVED", payment.userId(), null, forAudit("Approved UPI payment "
                + payment.reference() + " (UTR " + payment.utr() + ", " + payment.amount() + ") for the "
                + PaymentDescriptions.planPeriod(plan.name(), payment.billingPeriod()) + ": " + change.name().toLowerCase(
                java.util.Locale.ROOT)));
        mails.planApproved(payment, plan, change, userPlans.subscription(payment.userId()).orElse(null),
                statements.balance(payment.userId()).availableCredits());
        log.info("Admin {} approved plan payment {} of user {}: {} {}, {}", adminId, payment.reference(),
                payment.userId(), plan.id(), payment.billingPeriod().key(), change);
        return new Decision(true, payment);
    }

    /**
     * Rejects a request pending review, with a reason the user is mailed and sees in their history.
     *
     * @return the outcome: rejected now, or the payment as another decision left it
     * @throws InvalidInputException ({@code reason}) for a blank or over-long reason or one with
     *     control characters other than line breaks; ({@code payment}) when there is no such payment
     */
    public Decision reject(long adminId, long paymentId, String reason) {
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty()) {
            throw new InvalidInputException(Map.of("reason", "A reason is required: the user is told why."));
        }
        if (why.length() > MAX_REASON || why.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r')) {
            throw new InvalidInputException(Map.of("reason", "The reason may have at most " + MAX_REASON
                    + " characters, and no control characters."));
        }
        return tx.execute(status -> {
            Optional<Payment> rejected = rows.transition(paymentId, PaymentState.PENDING_REVIEW, PaymentState.REJECTED,
                    "reject_reason = ?, decided_by = ?, decided_at = ?", why, adminId, rows.now());
            if (rejected.isEmpty()) {
                return notPending(paymentId);
            }
            Payment payment = rejected.get();
            audit.record(adminId, "PAYMENT_REJECTED", payment.userId(), null,
                    forAudit("Rejected UPI payment " + payment.reference() + " (UTR " + payment.utr() + "): " + why));
            mails.rejected(payment);
            log.info("Admin {} rejected payment {} of user {}: {}", adminId, payment.reference(), payment.userId(), why);
            return new Decision(true, payment);
        });
    }

    private Decision notPending(long paymentId) {
        Payment payment = rows.find(paymentId).orElseThrow(() ->
                new InvalidInputException(Map.of("payment", "There is no such payment.")));
        return new Decision(false, payment);
    }

    private String packName(Payment payment) {
        return packs.find(payment.packId()).map(pack -> "the " + pack.name() + " pack").orElse(payment.packId());
    }

    /**
     * What a decision did.
     *
     * @param decided true when this call decided; false when the payment was not pending review
     *     (another admin decided first, or it never got a UTR): nothing was changed
     * @param payment the payment after the call
     */
    public record Decision(boolean decided, Payment payment) {
    }

    /** The audit log takes reasons up to {@link CreditAdjustments#MAX_REASON} characters. */
    private static String forAudit(String text) {
        return text.length() <= CreditAdjustments.MAX_REASON ? text : text.substring(0, CreditAdjustments.MAX_REASON - 1) + "…";
    }
}
