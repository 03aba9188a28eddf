package org.text2image.server.plans;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Which plan a user is on (docs/PLANS.md): the plan of their paid term while it runs (or of the term
 * that follows it), otherwise the free plan ({@link Plans#defaultPlan()}). A term naming a plan the
 * plans file no longer has counts as the free plan. The commands that change terms are
 * {@link PlanTerms}.
 */
@Service
public class UserPlans {

    private final Plans plans;
    private final SubscriptionRows rows;
    private final Clock clock;

    UserPlans(Plans plans, SubscriptionRows rows, Clock clock) {
        this.plans = plans;
        this.rows = rows;
        this.clock = clock;
    }

    /** The plan catalogue. */
    public Plans catalogue() {
        return plans;
    }

    /** The user's plan now. Never null: the free plan when they have no paid term. */
    @Transactional(readOnly = true)
    public Plan planOf(long userId) {
        return planOf(rows.find(userId), clock.instant());
    }

    /** The plan a term gives at {@code now}; the default plan when none. */
    Plan planOf(Optional<Subscription> subscription, Instant now) {
        return subscription.flatMap(s -> planIdAt(s, now)).flatMap(plans::find).orElseGet(plans::defaultPlan);
    }

    /** The plan id a term gives at {@code now}: the current term's, or its next term's once it has begun. */
    static Optional<String> planIdAt(Subscription s, Instant now) {
        if (s.activeAt(now)) {
            return Optional.of(s.planId());
        }
        Subscription.NextTerm next = s.next();
        if (next != null && !now.isBefore(s.paidUntil()) && next.paidUntil() != null && now.isBefore(next.paidUntil())) {
            return Optional.of(next.planId());
        }
        return Optional.empty();
    }

    /** The user's term as stored, ended or not; empty when they never had one (or an admin ended it). */
    @Transactional(readOnly = true)
    public Optional<Subscription> subscription(long userId) {
        return rows.find(userId);
    }

    /**
     * How many users are on each paid plan now, by plan id (a term naming a plan the plans file no
     * longer has is counted under its id, though its users are on the free plan). Users not counted
     * here are on the free plan.
     */
    @Transactional(readOnly = true)
    public java.util.Map<String, Long> paidUsersByPlan() {
        return rows.countByPlan(clock.instant());
    }

    /** The periods granted to the user, newest first, at most {@code limit}. */
    @Transactional(readOnly = true)
    public List<GrantedPeriod> grantedPeriods(long userId, int limit) {
        return rows.periods(userId, limit);
    }
}
