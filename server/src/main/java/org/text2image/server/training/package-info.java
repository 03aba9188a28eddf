/**
 * Custom models (docs/TRAINING.md): for now the LoRA training datasets, a user's private sets of
 * up to {@value org.text2image.server.training.LoraDatasets#MAX_IMAGES} captioned images
 * ({@code lora_dataset}, {@code lora_dataset_image}; files in the image store under
 * {@code lora/<dataset>/<image>}), and the My models pages ({@code web}). Creating a dataset needs
 * a plan with LoRA trainings ({@link org.text2image.server.plans.UserPlans}). Training jobs come later.
 */
@ApplicationModule(allowedDependencies = {"account", "plans", "storage", "support"})
package org.text2image.server.training;

import org.springframework.modulith.ApplicationModule;
