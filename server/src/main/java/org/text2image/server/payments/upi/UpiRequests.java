package org.text2image.server.payments.upi;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.payments.Pack;
import org.text2image.server.payments.Payment;
import org.text2image.server.payments.PaymentMails;
import org.text2image.server.payments.PaymentProvider;
import org.text2image.server.payments.PaymentReferences;
import org.text2image.server.payments.PaymentRows;
import org.text2image.server.payments.PaymentState;
import org.text2image.server.payments.PaymentsProperties;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.Plan;
import org.text2image.server.plans.Subscription;
import org.text2image.server.plans.SubscriptionSource;
import org.text2image.server.plans.UserPlans;
import org.text2image.server.support.InvalidInputException;

/**
 * The user's side of a UPI payment: a request for a pack or for one period of a plan (with its own
 * reference, expiring after {@code upi.request-expiry} without a UTR), then the UTR of the transfer,
 * which puts it in the admins' queue ({@link org.text2image.server.payments.PaymentReview}). Refusals are
 * {@link InvalidInputException}s naming the form field, and write nothing.
 */
@Service
public class UpiRequests {

    /** A UTR: the 12-digit reference a UPI app shows for a transfer. */
    public static final Pattern UTR = Pattern.compile("[0-9]{12}");
    /** The form's one-time key, such as a UUID. */
    public static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final int INSERT_TRIES = 3;
    private static final Logger log = LoggerFactory.getLogger(UpiRequests.class);

    private final PaymentRows rows;
    private final PaymentMails mails;
    private final PaymentsProperties properties;
    private final UpiPayee payee;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final UserPlans userPlans;

    UpiRequests(PaymentRows rows, PaymentMails mails, PaymentsProperties properties, UpiPayee payee, TransactionTemplate tx,
                Clock clock, UserPlans userPlans) {
        this.userPlans = userPlans;
        this.rows = rows;
        this.mails = mails;
        this.properties = properties;
        this.payee = payee;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * Opens a UPI request for a pack, once per form key: a replayed key returns the request it
     * created.
     *
     * @param pack a pack UPI offers (INR, UPI configured)
     * @param requestKey the form's one-time key
     * @return the new (or replayed) request, waiting for its UTR
     * @throws InvalidInputException ({@code key}) for a malformed key or one another user's request
     *     used; ({@code pack}) when UPI does not take this pack or the user has
     *     {@code max-pending-per-user} open requests already
     */
    public Payment open(long userId, Pack pack, String requestKey) {
        if (requestKey == null || !KEY.matcher(requestKey).matches()) {
            throw refused("key", "This form has no valid one-time key: reload the page and try again.");
        }
        if (!payee.current().enabled() || !"INR".equals(pack.currency())) {
            throw refused("pack", "UPI is not available for this pack.");
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return tx.execute(status -> openOnce(userId, pack, requestKey));
            } catch (DuplicateKeyException e) { // a reference drawn twice: 1 in 10^15; draw again
                if (attempt == INSERT_TRIES) {
                    throw e;
                }
                log.warn("Payment reference collision, drawing another: {}", e.getMostSpecificCause().getMessage());
            }
        }
    }

    private Payment openOnce(long userId, Pack pack, String requestKey) {
        rows.lockUser(userId);
        Optional<Payment> replayed = rows.findByRequestKey(requestKey);
        if (replayed.isPresent()) {
            if (replayed.get().userId() != userId) {
                throw refused("key", "This form has no valid one-time key: reload the page and try again.");
            }
            return replayed.get();
        }
        int max = properties.maxPendingPerUser();
        if (rows.countOpen(userId) >= max) {
            throw refused("pack", "You already have " + max + " open UPI " + (max == 1 ? "request" : "requests")
                    + ". Enter the UTR of a payment you made, or wait until one is reviewed or expires "
                    + "(see Your payments), then try again.");
        }
        return rows.insert(userId, PaymentProvider.UPI, PaymentState.AWAITING_UTR, PaymentReferences.next(), requestKey, pack,
                        clock.instant().plus(properties.upi().requestExpiry()))
                .orElseThrow(() -> new DuplicateKeyException("request key " + requestKey + " taken meanwhile"));
    }

    /**
     * Opens a UPI request for one period of a paid plan, at the plan's price for that period now,
     * once per form key: a replayed key returns the request it created. An admin's approval puts the
     * user on the plan ({@link org.text2image.server.payments.PaymentReview}).
     *
     * @param plan a paid plan in rupees
     * @param requestKey the form's one-time key
     * @return the new (or replayed) request, waiting for its UTR
     * @throws InvalidInputException ({@code key}) for a malformed key or one another user's request
     *     used; ({@code plan}) for the free plan, a plan UPI does not take (not in rupees, UPI not
     *     configured), a user whose plan is billed by Stripe, who has a plan change scheduled already,
     *     who has another plan request open, or who has {@code max-pending-per-user} open requests
     */
    public Payment openPlan(long userId, Plan plan, BillingPeriod period, String requestKey) {
        if (requestKey == null || !KEY.matcher(requestKey).matches()) {
            throw refused("key", "This form has no valid one-time key: reload the page and try again.");
        }
        if (plan.free()) {
            throw refused("plan", "The " + plan.name() + " plan is free: there is nothing to pay.");
        }
        if (!payee.current().enabled() || !"INR".equals(plan.currency())) {
            throw refused("plan", "UPI is not available for the " + plan.name() + " plan.");
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return tx.execute(status -> openPlanOnce(userId, plan, period, requestKey));
            } catch (DuplicateKeyException e) { // a reference drawn twice: 1 in 10^15; draw again
                if (attempt == INSERT_TRIES) {
                    throw e;
                }
                log.warn("Payment reference collision, drawing another: {}", e.getMostSpecificCause().getMessage());
            }
        }
    }

    private Payment openPlanOnce(long userId, Plan plan, BillingPeriod period, String requestKey) {
        rows.lockUser(userId);
        Optional<Payment> replayed = rows.findByRequestKey(requestKey);
        if (replayed.isPresent()) {
            if (replayed.get().userId() != userId) {
                throw refused("key", "This form has no valid one-time key: reload the page and try again.");
            }
            return replayed.get();
        }
        Optional<Subscription> term = userPlans.subscription(userId);
        if (term.isPresent() && term.get().source() == SubscriptionSource.STRIPE && clock.instant().isBefore(term.get().paidUntil())) {
            throw refused("plan", "Your plan is billed to your card by Stripe. Change or cancel it with the card "
                    + "controls on this page; UPI cannot pay for it.");
        }
        if (term.isPresent() && term.get().next() != null && clock.instant().isBefore(term.get().paidUntil())) {
            throw refused("plan", "A change of your plan is already scheduled for the end of your paid period. "
                    + "Pay for another plan once it has begun.");
        }
        Optional<Payment> open = rows.openPlanRequest(userId);
        if (open.isPresent()) {
            throw refused("plan", "You already have a plan payment open (" + open.get().reference() + "). Pay it and "
                    + "enter its UTR, or wait until it is reviewed or expires (see Your payments), then try again.");
        }
        int max = properties.maxPendingPerUser();
        if (rows.countOpen(userId) >= max) {
            throw refused("plan", "You already have " + max + " open UPI " + (max == 1 ? "request" : "requests")
                    + ". Enter the UTR of a payment you made, or wait until one is reviewed or expires "
                    + "(see Your payments), then try again.");
        }
        return rows.insertPlan(userId, PaymentReferences.next(), requestKey, plan, period,
                        clock.instant().plus(properties.upi().requestExpiry()))
                .orElseThrow(() -> new DuplicateKeyException("request key " + requestKey + " taken meanwhile"));
    }

    /**
     * Records the UTR the user entered for their request and mails them that it is pending review.
     * Surrounding spaces are ignored; a UTR already used by any payment, of any user and in any
     * state, is refused.
     *
     * @return the request, now pending review (or already pending with this same UTR: a resubmitted form)
     * @throws InvalidInputException ({@code utr}) for anything but 12 digits, a UTR used before, or a
     *     request that is no longer waiting for one (expired, already reviewed)
     */
    public Payment submitUtr(long userId, Payment request, String typed) {
        String utr = typed == null ? "" : typed.strip();
        if (!UTR.matcher(utr).matches()) {
            throw refused("utr", utr.isEmpty() ? "Enter the UTR: the 12-digit number your UPI app shows for the payment."
                    : "A UTR is exactly 12 digits (0-9), with no spaces or letters; yours has " + utr.length()
                    + " characters. Copy it from the payment's details in your UPI app.");
        }
        if (request.state() == PaymentState.PENDING_REVIEW && utr.equals(request.utr())) {
            return request; // the same form sent twice
        }
        if (rows.findByUtr(utr).isPresent()) {
            throw usedUtr();
        }
        try {
            return tx.execute(status -> {
                Payment pending = rows.submitUtr(request.id(), userId, utr)
                        .orElseThrow(() -> refused("utr", notWaiting(request)));
                mails.received(pending);
                return pending;
            });
        } catch (DuplicateKeyException e) { // the same UTR sent for another request at the same moment
            throw usedUtr();
        }
    }

    private static String notWaiting(Payment request) {
        return request.state() == PaymentState.AWAITING_UTR || request.state() == PaymentState.EXPIRED
                ? "This request expired: it waited for its UTR for too long. Start a new one"
                + (request.forPlan() ? " from the Pricing page." : " from Buy credits.")
                : "This request is already " + request.state().label().toLowerCase(java.util.Locale.ROOT)
                + "; it takes no other UTR.";
    }

    private static InvalidInputException usedUtr() {
        return refused("utr", "This UTR was already submitted. Each UPI payment can be used once; "
                + "check the number in your UPI app, or see Your payments.");
    }

    private static InvalidInputException refused(String field, String message) {
        return new InvalidInputException(Map.of(field, message));
    }
}
