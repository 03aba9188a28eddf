package org.text2image.server.payments.stripe;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.text2image.server.plans.BillingPeriod;

/**
 * The Stripe Product of each plan and billing period: its id is {@code text2image-plan-<plan id>-<weekly|yearly>}
 * (Stripe lets the caller choose a product's id). Every subscription price the site creates
 * ({@code price_data} in Checkout and in a plan change) belongs to one of these products, so an
 * invoice line or a subscription item names its plan and period through its price's product, even
 * after a change made at Stripe. The site creates the products itself, on first use.
 */
final class PlanProducts {

    private static final String PREFIX = "text2image-plan-";
    private static final Pattern ID = Pattern.compile(Pattern.quote(PREFIX) + "([a-z0-9][a-z0-9_-]{0,31})-(weekly|yearly)");

    private PlanProducts() {
    }

    /** The plan and billing period a product stands for. */
    record PlanAndPeriod(String planId, BillingPeriod period) {
    }

    /** {@code text2image-plan-pro-weekly}. */
    static String id(String planId, BillingPeriod period) {
        return PREFIX + planId + "-" + period.key();
    }

    /** The plan and period of one of these products; empty for any other product id (or null). */
    static Optional<PlanAndPeriod> parse(String productId) {
        if (productId == null) {
            return Optional.empty();
        }
        Matcher m = ID.matcher(productId);
        return m.matches() ? Optional.of(new PlanAndPeriod(m.group(1), BillingPeriod.parse(m.group(2)).orElseThrow()))
                : Optional.empty();
    }
}
