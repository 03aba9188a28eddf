package org.text2image.server.plans;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rule the Billing page shows before a user pays ({@link PlanTerms#changeOf}), the same one
 * {@link PlanTerms#apply} follows: no paid term starts now; the same plan and period extends; a
 * dearer plan upgrades now; a cheaper one, or another period of the same plan, waits for the end of
 * the paid term; a term billed by Stripe is never extended by another payment.
 */
class PlanChangeRuleTest {

    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final Plan FREE = plan("free", 0);
    static final Plan STARTER = plan("starter", 19_900);
    static final Plan PRO = plan("pro", 49_900);

    @Test
    void withoutAPaidTermThePlanStartsNow() {
        assertThat(PlanTerms.changeOf(null, FREE, PRO, BillingPeriod.WEEKLY, NOW)).isEqualTo(PlanTerms.Change.STARTED);
        Subscription ended = term("pro", SubscriptionSource.UPI, NOW.minus(Duration.ofDays(8)), NOW.minus(Duration.ofDays(1)));
        assertThat(PlanTerms.changeOf(ended, FREE, PRO, BillingPeriod.WEEKLY, NOW)).isEqualTo(PlanTerms.Change.STARTED);
    }

    @Test
    void duringAPaidTermTheSamePlanExtendsADearerOneUpgradesAndACheaperOneWaits() {
        Subscription pro = term("pro", SubscriptionSource.UPI, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(6)));

        assertThat(PlanTerms.changeOf(pro, PRO, PRO, BillingPeriod.WEEKLY, NOW)).isEqualTo(PlanTerms.Change.EXTENDED);
        assertThat(PlanTerms.changeOf(pro, PRO, PRO, BillingPeriod.YEARLY, NOW)).isEqualTo(PlanTerms.Change.SCHEDULED);
        assertThat(PlanTerms.changeOf(pro, PRO, STARTER, BillingPeriod.WEEKLY, NOW)).isEqualTo(PlanTerms.Change.SCHEDULED);
        Subscription starter = term("starter", SubscriptionSource.ADMIN, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(6)));
        assertThat(PlanTerms.changeOf(starter, STARTER, PRO, BillingPeriod.WEEKLY, NOW)).isEqualTo(PlanTerms.Change.UPGRADED);
    }

    @Test
    void aStripeTermIsNotExtendedByAnotherPayment() {
        Subscription stripe = term("pro", SubscriptionSource.STRIPE, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(6)));

        assertThat(PlanTerms.changeOf(stripe, PRO, PRO, BillingPeriod.WEEKLY, NOW)).isEqualTo(PlanTerms.Change.SCHEDULED);
    }

    private static Subscription term(String planId, SubscriptionSource source, Instant start, Instant end) {
        return new Subscription(1, planId, BillingPeriod.WEEKLY, source, start, end,
                source == SubscriptionSource.STRIPE ? null : start, false, null, null);
    }

    private static Plan plan(String id, long weeklyMinor) {
        return new Plan(id, id, "INR", new Plan.PerPeriod(weeklyMinor, weeklyMinor * 40), new Plan.PerPeriod(100, 5_200),
                4, Plan.QueuePriority.STANDARD, Plan.ParameterAccess.FULL, Map.of(), false, false, new Plan.PerPeriod(0, 0));
    }
}
