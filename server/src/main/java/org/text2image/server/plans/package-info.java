/**
 * Plans (docs/PLANS.md): the plan catalogue of {@code config/plans.json}, read and checked at
 * start-up ({@link org.text2image.server.plans.PlansLoader}). So far only the catalogue exists:
 * users are not on plans yet and nothing the plans say is enforced.
 */
@ApplicationModule(allowedDependencies = {"catalog"})
package org.text2image.server.plans;

import org.springframework.modulith.ApplicationModule;
