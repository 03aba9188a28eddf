package org.text2image.server.admin;

import java.util.Map;
import java.util.NoSuchElementException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.AccountDirectory;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.Plan;
import org.text2image.server.plans.PlanTerms;
import org.text2image.server.plans.Plans;
import org.text2image.server.plans.Subscription;
import org.text2image.server.support.InvalidInputException;

/**
 * An admin puts a user on a plan for a number of weeks or years, or ends their plan, on
 * {@code /admin/users/{id}} (docs/PLANS.md, "Giving a plan"). Both are audited by
 * {@link PlanTerms}; the assignment carries a one-time key ({@link AdminActionKeys}), so a double
 * click or a replay assigns once. Every input is checked first: bad input changes nothing.
 */
@Service
class PlanAssignments {

    private final Plans plans;
    private final PlanTerms terms;
    private final AccountDirectory directory;
    private final AdminActionKeys keys;
    private final TransactionTemplate transactions;

    PlanAssignments(Plans plans, PlanTerms terms, AccountDirectory directory, AdminActionKeys keys,
                    TransactionTemplate transactions) {
        this.plans = plans;
        this.terms = terms;
        this.directory = directory;
        this.keys = keys;
        this.transactions = transactions;
    }

    /**
     * Puts the user on {@code planId} from now for {@code count} periods, replacing any term; the
     * first period's credits are granted at once.
     *
     * @param count as typed: a whole number 1 – {@value PlanTerms#MAX_PERIODS}
     * @return a notice for the page
     * @throws InvalidInputException under {@code plan}, {@code period}, {@code count}, {@code reason}
     *     or {@code key}
     * @throws NoSuchElementException when there is no such user
     */
    String assign(SignedInUser admin, long userId, String planId, String period, String count, String reason,
                  String key) {
        AccountDirectory.AccountView account = directory.find(userId)
                .orElseThrow(() -> new NoSuchElementException("No user " + userId));
        JobActions.requireKey(key);
        Plan plan = plans.find(planId).filter(p -> !p.free()).orElseThrow(() -> new InvalidInputException(Map.of("plan",
                "Choose one of the paid plans; everyone without one is on the free plan.")));
        BillingPeriod billing = BillingPeriod.parse(period).orElseThrow(() -> new InvalidInputException(Map.of("period",
                "Choose weekly or yearly.")));
        int periods = periods(count, billing);
        String why = UserAdministration.validReason(reason);
        if (account.deleted() || account.disabled()) {
            throw new InvalidInputException(Map.of("plan", "The account is " + (account.deleted() ? "deleted" : "disabled")
                    + ": it cannot be given a plan."));
        }
        Subscription term = transactions.execute(status -> {
            if (keys.claim(key, "PLAN_ASSIGNED", admin.id()).isPresent()) {
                return null;
            }
            return terms.assign(admin.id(), userId, plan, billing, periods, why);
        });
        if (term == null) {
            return "This form was already sent; the plan was given once.";
        }
        return account.email() + " is on " + plan.name() + " (" + billing.key() + ") for "
                + periods + " " + billing.noun() + (periods == 1 ? "" : "s") + ".";
    }

    /**
     * Ends the user's plan now: they are on the free plan.
     *
     * @return a notice for the page
     * @throws InvalidInputException under {@code reason}
     * @throws NoSuchElementException when there is no such user
     */
    String end(SignedInUser admin, long userId, String reason) {
        AccountDirectory.AccountView account = directory.find(userId)
                .orElseThrow(() -> new NoSuchElementException("No user " + userId));
        String why = UserAdministration.validReason(reason);
        Boolean ended = transactions.execute(status -> terms.end(admin.id(), userId, why));
        return Boolean.TRUE.equals(ended) ? account.email() + " is on the " + plans.defaultPlan().name() + " plan now."
                : account.email() + " had no plan to end; nothing changed.";
    }

    private static int periods(String count, BillingPeriod period) {
        String message = "Give a whole number of " + period.noun() + "s from 1 to " + PlanTerms.MAX_PERIODS + ".";
        try {
            int periods = Integer.parseInt(count == null ? "" : count.strip());
            if (periods >= 1 && periods <= PlanTerms.MAX_PERIODS) {
                return periods;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new InvalidInputException(Map.of("count", message));
    }
}
