/**
 * Custom models (docs/TRAINING.md): the LoRA training datasets, a user's private sets of up to
 * {@value org.text2image.server.training.LoraDatasets#MAX_IMAGES} captioned images
 * ({@code lora_dataset}, {@code lora_dataset_image}; files in the image store under
 * {@code lora/<dataset>/<image>}); the training jobs ({@code lora_training}: submitted by
 * {@link org.text2image.server.training.LoraTrainings} against the plan's training allowance, run by
 * training workers through {@link org.text2image.server.training.TrainingQueue}); the trained LoRAs
 * ({@code lora_model}, {@link org.text2image.server.training.LoraModels}; files under
 * {@code lora-models/<user>/<lora>.safetensors}); and the My models pages ({@code web}). Creating a
 * dataset needs a plan with LoRA trainings ({@link org.text2image.server.plans.UserPlans}).
 */
@ApplicationModule(allowedDependencies = {"account", "catalog", "notifications", "plans", "storage", "support"})
package org.text2image.server.training;

import org.springframework.modulith.ApplicationModule;
