package org.text2image.server.payments;

import org.springframework.stereotype.Component;
import org.text2image.server.credits.Credits;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.Plan;
import org.text2image.server.plans.Plans;

/**
 * What a payment buys, in words, for the pages and mails: a pack's name, or a plan and its period
 * ("Pro plan, 1 week"). A pack or plan no longer in its file is named by its id.
 */
@Component
public class PaymentDescriptions {

    private final Packs packs;
    private final Plans plans;

    PaymentDescriptions(Packs packs, Plans plans) {
        this.packs = packs;
        this.plans = plans;
    }

    /** The pack's name ("Creator"), or the plan and period ("Pro plan, 1 week"). */
    public String item(Payment payment) {
        if (payment.forPlan()) {
            return planPeriod(plans.find(payment.planId()).map(Plan::name).orElse(payment.planId()),
                    payment.billingPeriod());
        }
        return packs.find(payment.packId()).map(Pack::name).orElse(payment.packId());
    }

    /** With the pack's credits: "Creator (600 credits)"; a plan payment as {@link #item}. */
    public String summary(Payment payment) {
        return payment.forPlan() ? item(payment) : item(payment) + " (" + Credits.format(payment.credits()) + ")";
    }

    /** "Pro plan, 1 week" or "Pro plan, 1 year". */
    public static String planPeriod(String planName, BillingPeriod period) {
        return planName + " plan, 1 " + period.noun();
    }
}
