/**
 * Jobs: submit, the queue and its dispatcher ({@code queue}, whose {@code JobQueue} is the named
 * interface the worker API uses), and the pages ({@code web}). Generation knows nothing of the
 * workers module or the site's shared web layer: what it needs of the fleet comes through
 * {@link org.text2image.server.generation.WorkerAvailability}. Every request is held to the user's
 * plan of the {@code plans} module ({@link org.text2image.server.generation.PlanAllowance},
 * {@link org.text2image.server.generation.PlanRules}); plans know nothing of generation. A job may
 * generate with one of the user's LoRAs of the {@code training} module
 * ({@link org.text2image.server.training.LoraModels}); training knows nothing of generation.
 */
@ApplicationModule(allowedDependencies = {"account", "catalog", "credits", "plans", "pricing", "settings", "storage",
        "support", "training"})
package org.text2image.server.generation;

import org.springframework.modulith.ApplicationModule;
