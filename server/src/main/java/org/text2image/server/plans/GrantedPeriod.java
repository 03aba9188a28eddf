package org.text2image.server.plans;

import java.time.Instant;

/**
 * A period whose plan credits were granted ({@code plan_period}).
 *
 * @param start when its credits came
 * @param end when what is left of them expires
 * @param planId the plan it was granted for
 * @param credits credits granted, ≥ 0
 */
public record GrantedPeriod(Instant start, Instant end, String planId, BillingPeriod period, long credits) {
}
