package org.text2image.server.plans;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.credits.AdminAuditLog;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.credits.LotSource;

/**
 * The commands that put users on plans and grant each paid period's credits (docs/PLANS.md,
 * "Periods and credits"). The one place these rules live:
 *
 * <ul>
 *   <li>A term runs from {@code started_at} to {@code paid_until} in whole weeks or years. Each
 *       period's credits are one ledger lot ({@link LotSource#PLAN}) that expires at the period's end:
 *       a week's at the week's end (no rollover), a year's at the year's end, granted upfront. Lots
 *       that expire are spent before purchased credits, which never expire ({@link CreditLedger}).
 *   <li>Each period is granted once per user: a {@code plan_period} row keyed by (user, period start)
 *       and the ledger's idempotency key ({@code plan:<user>:<period start>}, or
 *       {@code stripe-invoice:<invoice id>} for a period Stripe billed). Two instances, a task run
 *       after downtime, or a replayed webhook grant nothing twice; a period missed while the server
 *       was down is granted when it returns (and, if it has ended meanwhile, expires at once).
 *   <li>A paid plan that arrives while another runs ({@link #apply}): the same plan and period
 *       extends the term; a dearer plan (a higher weekly price, {@link Plans#isUpgrade}) starts now
 *       with its first period's credits; any other change starts when the paid term ends.
 * </ul>
 *
 * <p>Lock order: the user's {@code plan_subscription} row, then the ledger's (the account row).
 */
@Service
public class PlanTerms {

    /** What {@link #apply} did. */
    public enum Change {
        /** The user had no paid term: the plan starts now. */
        STARTED,
        /** Same plan and period: the term is longer. */
        EXTENDED,
        /** A dearer plan: it replaced the current one now. */
        UPGRADED,
        /** Another plan: it starts when the current term ends. */
        SCHEDULED
    }

    /** Most periods one command may add (a year of weeks, or five years). */
    public static final int MAX_PERIODS = 52;
    private static final Logger log = LoggerFactory.getLogger(PlanTerms.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final Plans plans;
    private final SubscriptionRows rows;
    private final UserPlans users;
    private final CreditLedger ledger;
    private final AdminAuditLog audit;
    private final Clock clock;

    PlanTerms(Plans plans, SubscriptionRows rows, UserPlans users, CreditLedger ledger, AdminAuditLog audit,
              Clock clock) {
        this.plans = plans;
        this.rows = rows;
        this.users = users;
        this.ledger = ledger;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * A paid plan for the user (an approved UPI payment): extends, starts, upgrades or schedules the
     * term by the rules above, then grants what is due now.
     *
     * @param periods how many weeks or years were paid, 1 – {@value #MAX_PERIODS}
     * @throws IllegalArgumentException for the free plan or a count out of range
     */
    @Transactional
    public Change apply(long userId, Plan plan, BillingPeriod period, SubscriptionSource source, int periods) {
        requirePaid(plan, periods);
        Instant now = now();
        Optional<Subscription> current = rows.lock(userId).map(s -> rollOver(s, now));
        Change change = changeOf(current.orElse(null), users.planOf(current, now), plan, period, now);
        switch (change) {
            case STARTED, UPGRADED -> rows.save(term(userId, plan, period, source, now, periods, null), now);
            case EXTENDED -> {
                Subscription s = current.orElseThrow();
                rows.save(new Subscription(userId, s.planId(), period, s.source(), s.startedAt(),
                        period.end(s.paidUntil(), periods), s.nextGrantAt() == null ? s.paidUntil() : s.nextGrantAt(),
                        false, null, null), now);
            }
            case SCHEDULED -> {
                Subscription s = current.orElseThrow();
                rows.save(new Subscription(userId, s.planId(), s.period(), s.source(), s.startedAt(), s.paidUntil(),
                        s.nextGrantAt(), s.cancelAtPeriodEnd(), new Subscription.NextTerm(plan.id(), period, source,
                        period.end(s.paidUntil(), periods)), s.stripeSubscriptionId()), now);
            }
        }
        grantDue(userId);
        log.info("Plan {} ({} x{}, {}) for user {}: {}", plan.id(), period.key(), periods, source, userId, change);
        return change;
    }

    /**
     * What {@link #apply} would do now for the user and a paid plan, without changing anything (the
     * Billing page says it before the user pays). The answer may differ by the time a payment is
     * approved, if the user's term changes meanwhile.
     */
    @Transactional(readOnly = true)
    public Change preview(long userId, Plan plan, BillingPeriod period) {
        Instant now = clock.instant();
        Optional<Subscription> current = rows.find(userId);
        return changeOf(current.orElse(null), users.planOf(current, now), plan, period, now);
    }

    /**
     * The rule of {@link #apply}, as a pure function: no paid term at {@code now} → started; the same
     * plan and period of a term not billed by Stripe and with no change scheduled → extended; a
     * dearer plan than {@code planNow} ({@link Plans#isUpgrade}) → upgraded now; anything else →
     * scheduled for the end of the paid term.
     *
     * @param current the user's term as stored (ended or not), or null when they have none
     * @param planNow the plan the user is on at {@code now} ({@link UserPlans#planOf})
     */
    public static Change changeOf(Subscription current, Plan planNow, Plan plan, BillingPeriod period, Instant now) {
        Subscription s = current == null ? null : rollOver(current, now);
        if (s == null || !s.activeAt(now)) {
            return Change.STARTED;
        }
        if (s.planId().equals(plan.id()) && s.period() == period && s.source() != SubscriptionSource.STRIPE
                && s.next() == null) {
            return Change.EXTENDED;
        }
        return Plans.isUpgrade(planNow, plan) ? Change.UPGRADED : Change.SCHEDULED;
    }

    /**
     * An admin puts a user on a plan from now for {@code periods} weeks or years, replacing any term
     * (audited as {@code PLAN_ASSIGNED}); its first period's credits are granted at once.
     *
     * @param reason why, as for every audited action
     * @throws IllegalArgumentException for the free plan, a count out of range or a blank reason
     */
    @Transactional
    public Subscription assign(long adminId, long userId, Plan plan, BillingPeriod period, int periods, String reason) {
        requirePaid(plan, periods);
        Instant now = now();
        String before = rows.lock(userId).map(s -> describe(users.planOf(Optional.of(s), now), s, now))
                .orElse(plans.defaultPlan().name());
        Subscription term = term(userId, plan, period, SubscriptionSource.ADMIN, now, periods, null);
        rows.save(term, now);
        audit.record(adminId, "PLAN_ASSIGNED", userId, null, reason, before, describe(plan, term, now));
        grantDue(userId);
        log.info("Admin {} put user {} on plan {} for {} {}(s)", adminId, userId, plan.id(), periods, period.noun());
        return rows.find(userId).orElseThrow();
    }

    /**
     * An admin ends a user's term now (audited as {@code PLAN_ENDED}): the user is on the free plan.
     * Credits already granted stay until their lots expire. A Stripe subscription is not cancelled
     * at Stripe by this; its next paid invoice starts a new term.
     *
     * @return false when the user had no term
     */
    @Transactional
    public boolean end(long adminId, long userId, String reason) {
        Instant now = now();
        Optional<Subscription> current = rows.lock(userId);
        if (current.isEmpty()) {
            return false;
        }
        String before = describe(users.planOf(current, now), current.get(), now);
        rows.delete(userId);
        audit.record(adminId, "PLAN_ENDED", userId, null, reason, before, plans.defaultPlan().name());
        log.info("Admin {} ended the plan of user {}", adminId, userId);
        return true;
    }

    /**
     * Removes the user's term without an audit row of its own (an account being deleted, whose
     * deletion is audited): no more periods are granted. Runs in the caller's transaction, which
     * must not hold the user's account row yet (the lock order above).
     *
     * @return the term that was removed, if any (a Stripe one must also be cancelled at Stripe)
     */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public Optional<Subscription> forget(long userId) {
        Optional<Subscription> current = rows.lock(userId);
        current.ifPresent(s -> rows.delete(userId));
        return current;
    }

    /**
     * A paid Stripe invoice for one period of a subscription ({@code invoice.paid}): the user is on
     * {@code plan} until {@code periodEnd}, and the period's credits are granted once (ledger key
     * {@code stripe-invoice:<invoice id>}), expiring at {@code periodEnd}. An invoice for an earlier
     * period arriving late grants its credits but does not shorten the term.
     *
     * @return true when credits were granted now; false for a replay, a period already granted, or a
     *     plan without credits
     */
    @Transactional
    public boolean stripePeriodPaid(long userId, Plan plan, BillingPeriod period, String subscriptionId,
                                    Instant periodStart, Instant periodEnd, String invoiceId) {
        if (!periodEnd.isAfter(periodStart)) {
            throw new IllegalArgumentException("Invoice " + invoiceId + " has an empty period");
        }
        Instant now = now();
        Optional<Subscription> current = rows.lock(userId);
        boolean sameSubscription = current.map(s -> subscriptionId.equals(s.stripeSubscriptionId())).orElse(false);
        if (!sameSubscription || !periodEnd.isBefore(current.get().paidUntil())) {
            Subscription.NextTerm next = sameSubscription ? current.get().next() : null;
            if (next != null && next.planId().equals(plan.id()) && next.period() == period) {
                next = null; // the scheduled change has taken effect
            }
            boolean cancelling = sameSubscription && current.get().cancelAtPeriodEnd();
            rows.save(new Subscription(userId, plan.id(), period, SubscriptionSource.STRIPE, periodStart, periodEnd, null,
                    cancelling, next, subscriptionId), now);
        }
        long credits = period.of(plan.credits());
        String key = "stripe-invoice:" + invoiceId;
        boolean recorded = rows.recordPeriod(userId, periodStart, periodEnd, plan.id(), period, credits, key, now);
        boolean granted = recorded && credits > 0
                && ledger.grant(userId, credits, LotSource.PLAN, periodEnd, key, reason(plan, period, periodStart, periodEnd));
        log.info("Stripe invoice {} paid: user {} on plan {} until {}; credits {}", invoiceId, userId, plan.id(),
                periodEnd, granted ? credits : 0);
        return granted;
    }

    /**
     * A Stripe subscription changed ({@code customer.subscription.updated}): whether it renews, and
     * the plan its next invoice bills when that differs from the current one.
     *
     * @param nextPlan the plan from the next period on, or null for the same plan
     * @return false when no term has this subscription
     */
    @Transactional
    public boolean stripeUpdated(String subscriptionId, boolean cancelAtPeriodEnd, Plan nextPlan, BillingPeriod nextPeriod) {
        Optional<Subscription> current = rows.lockByStripeId(subscriptionId);
        if (current.isEmpty()) {
            return false;
        }
        Subscription s = current.get();
        Subscription.NextTerm next = nextPlan == null || (nextPlan.id().equals(s.planId()) && nextPeriod == s.period())
                ? null : new Subscription.NextTerm(nextPlan.id(), nextPeriod, SubscriptionSource.STRIPE, null);
        rows.save(new Subscription(s.userId(), s.planId(), s.period(), s.source(), s.startedAt(), s.paidUntil(), null,
                cancelAtPeriodEnd, next, subscriptionId), now());
        return true;
    }

    /**
     * A Stripe subscription ended ({@code customer.subscription.deleted}): the user keeps the plan
     * until {@code endedAt} or the end of the paid period, whichever is first, then is on the free plan.
     *
     * @return false when no term has this subscription
     */
    @Transactional
    public boolean stripeEnded(String subscriptionId, Instant endedAt) {
        Optional<Subscription> current = rows.lockByStripeId(subscriptionId);
        if (current.isEmpty()) {
            return false;
        }
        Subscription s = current.get();
        Instant end = endedAt.isBefore(s.paidUntil()) ? endedAt : s.paidUntil();
        if (!end.isAfter(s.startedAt())) {
            rows.delete(s.userId());
        } else {
            rows.save(new Subscription(s.userId(), s.planId(), s.period(), s.source(), s.startedAt(), end, null, true,
                    null, subscriptionId), now());
        }
        log.info("Stripe subscription {} of user {} ended; plan {} until {}", subscriptionId, s.userId(), s.planId(), end);
        return true;
    }

    /**
     * Grants the user's periods that have begun and are not granted yet, after rolling a term that
     * has ended over to its next term. Safe to run any number of times, from any instance.
     *
     * @return how many periods were granted now
     */
    @Transactional
    public int grantDue(long userId) {
        Instant now = now();
        Optional<Subscription> locked = rows.lock(userId);
        if (locked.isEmpty()) {
            return 0;
        }
        Subscription s = rollOver(locked.get(), now);
        int granted = 0;
        while (s.nextGrantAt() != null && !s.nextGrantAt().isAfter(now)) {
            Instant start = s.nextGrantAt();
            Instant periodEnd = s.period().end(start);
            Instant end = periodEnd.isBefore(s.paidUntil()) ? periodEnd : s.paidUntil();
            Optional<Plan> plan = plans.find(s.planId());
            BillingPeriod period = s.period();
            long credits = plan.map(p -> period.of(p.credits())).orElse(0L);
            String key = "plan:" + userId + ":" + start;
            if (rows.recordPeriod(userId, start, end, s.planId(), s.period(), credits, key, now) && credits > 0) {
                ledger.grant(userId, credits, LotSource.PLAN, end, key, reason(plan.orElseThrow(), s.period(), start, end));
                granted++;
            }
            s = new Subscription(userId, s.planId(), s.period(), s.source(), s.startedAt(), s.paidUntil(),
                    end.isBefore(s.paidUntil()) ? end : null, s.cancelAtPeriodEnd(), s.next(), s.stripeSubscriptionId());
        }
        if (!s.equals(locked.get())) {
            rows.save(s, now);
        }
        return granted;
    }

    /** The clock's instant to the microsecond, as PostgreSQL keeps it: a stored "now" is not later than this one. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** The term that follows an ended one, when it has a known end; the term unchanged otherwise. */
    private static Subscription rollOver(Subscription s, Instant now) {
        Subscription current = s;
        while (!now.isBefore(current.paidUntil()) && current.next() != null && current.next().paidUntil() != null) {
            Subscription.NextTerm next = current.next();
            current = new Subscription(current.userId(), next.planId(), next.period(), next.source(), current.paidUntil(),
                    next.paidUntil(), next.source() == SubscriptionSource.STRIPE ? null : current.paidUntil(), false,
                    null, next.source() == SubscriptionSource.STRIPE ? current.stripeSubscriptionId() : null);
        }
        return current;
    }

    private static Subscription term(long userId, Plan plan, BillingPeriod period, SubscriptionSource source,
                                     Instant start, int periods, String stripeId) {
        return new Subscription(userId, plan.id(), period, source, start, period.end(start, periods),
                source == SubscriptionSource.STRIPE ? null : start, false, null, stripeId);
    }

    private static void requirePaid(Plan plan, int periods) {
        if (plan.free()) {
            throw new IllegalArgumentException("The free plan is everyone's default; it is not assigned");
        }
        if (periods < 1 || periods > MAX_PERIODS) {
            throw new IllegalArgumentException("Periods must be 1 to " + MAX_PERIODS + ", was " + periods);
        }
    }

    /** The ledger entry's text, such as "Pro plan: credits for 1 Dec 2026 – 8 Dec 2026". */
    private static String reason(Plan plan, BillingPeriod period, Instant start, Instant end) {
        return plan.name() + " plan: credits for the " + period.noun() + " " + DAY.format(start) + " – " + DAY.format(end);
    }

    /** For the audit log: "Pro, weekly until 8 Dec 2026". */
    private static String describe(Plan plan, Subscription s, Instant now) {
        return s.activeAt(now) || plan.id().equals(s.planId())
                ? plan.name() + ", " + s.period().key() + " until " + DAY.format(s.paidUntil()) : plan.name();
    }
}
