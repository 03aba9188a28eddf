/**
 * Plans (docs/PLANS.md): the plan catalogue of {@code config/plans.json}, read and checked at
 * start-up ({@link org.text2image.server.plans.PlansLoader}); which plan each user is on
 * ({@link org.text2image.server.plans.UserPlans}); the terms and their credit grants
 * ({@link org.text2image.server.plans.PlanTerms}, {@link org.text2image.server.plans.PlanGrants}).
 */
@ApplicationModule(allowedDependencies = {"catalog", "credits"})
package org.text2image.server.plans;

import org.springframework.modulith.ApplicationModule;
