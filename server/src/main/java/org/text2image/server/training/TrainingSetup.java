package org.text2image.server.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.text2image.server.catalog.CatalogProperties;
import org.text2image.server.catalog.Model;
import org.text2image.server.catalog.ModelCatalog;
import org.text2image.worker.api.WorkerApi;
import org.text2image.worker.training.DatasetUpload;
import org.text2image.worker.workflow.InvalidWorkflowTemplateException;
import org.text2image.worker.workflow.Placeholder;
import org.text2image.worker.workflow.WorkflowTemplate;
import org.text2image.worker.workflow.WorkflowValues;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The training template and base model (docs/TRAINING.md, "Server settings"), checked once at
 * start-up: the template file ({@code text2image.training.workflow}, relative to the models file's
 * folder as the models' templates are) must be a workflow with a {@code SaveLoRA} node that renders
 * with every training placeholder, and the base model must be an image model of the catalog. When
 * a check fails the server still starts (a site may not train at all), the reason is logged as an
 * error, and every Train form says training is not set up, with the reason; nothing is queued.
 */
@Component
public class TrainingSetup {

    private static final Logger log = LoggerFactory.getLogger(TrainingSetup.class);

    private final TrainingProperties properties;
    private final ModelCatalog catalog;
    private final WorkflowTemplate template;
    private final String templateProblem;

    TrainingSetup(TrainingProperties properties, ModelCatalog catalog, CatalogProperties catalogProperties) {
        this.properties = properties;
        this.catalog = catalog;
        Path file = catalogProperties.modelsFile().toAbsolutePath().getParent().resolve(properties.workflow()).normalize();
        WorkflowTemplate loaded = null;
        String problem = null;
        try {
            loaded = WorkflowTemplate.of(file.toString(), JsonMapper.builder().build().readTree(Files.readString(file)));
            if (!loaded.placeholders().contains(Placeholder.DATASET_FOLDER) || !loaded.placeholders().contains(Placeholder.LORA_PREFIX)) {
                throw new InvalidWorkflowTemplateException(file.toString(),
                        "must use {{dataset_folder}} and {{lora_prefix}} (a training graph ending in SaveLoRA)");
            }
            loaded.render(values(UUID.randomUUID(), 1, "checkpoint.safetensors", properties.steps(), properties.rank(),
                    properties.learningRate(), properties.resolution()));
        } catch (IOException | RuntimeException e) {
            problem = "the training workflow text2image.training.workflow=" + properties.workflow() + " (" + file
                    + ") cannot be used: " + e.getMessage();
            loaded = null;
        }
        this.template = loaded;
        this.templateProblem = problem;
        problem().ifPresentOrElse(reason -> log.error("LoRA training is not set up: {}", reason),
                () -> log.info("LoRA training: base model {}, template {}", properties.baseModel(), file));
    }

    /** Why trainings cannot be submitted now, or empty when they can. */
    public Optional<String> problem() {
        if (templateProblem != null) {
            return Optional.of(templateProblem);
        }
        Optional<Model> model = catalog.find(properties.baseModel());
        if (model.isEmpty()) {
            return Optional.of("the base model text2image.training.base-model=" + properties.baseModel()
                    + " is not in the models file");
        }
        if (model.get().isVideo()) {
            return Optional.of("the base model " + properties.baseModel() + " is a video model; training needs an image model");
        }
        if (model.get().checkpoint().isBlank()) {
            return Optional.of("the base model " + properties.baseModel() + " names no checkpoint");
        }
        return Optional.empty();
    }

    /** The base model now; empty when it is no longer configured. */
    public Optional<Model> baseModel() {
        return catalog.find(properties.baseModel()).filter(model -> !model.isVideo() && !model.checkpoint().isBlank());
    }

    /** The SaveLoRA prefix of one attempt (without {@code loras/}): {@code t2i-<training id>-<attempt>}. */
    public static String loraPrefix(UUID trainingId, int attempt) {
        return "t2i-" + trainingId + "-" + attempt;
    }

    /**
     * The rendered training graph of one attempt.
     *
     * @throws IllegalStateException when the template could not be loaded at start-up
     */
    ObjectNode render(Training training, int attempt) {
        if (template == null) {
            throw new IllegalStateException(templateProblem);
        }
        return template.render(values(training.id(), attempt, training.checkpoint(), training.steps(), training.rank(),
                training.learningRate(), training.resolution()));
    }

    private static WorkflowValues values(UUID id, int attempt, String checkpoint, int steps, int rank, double learningRate,
                                         int resolution) {
        return WorkflowValues.builder()
                .put(Placeholder.DATASET_FOLDER, DatasetUpload.folderFor(id.toString(), attempt))
                .put(Placeholder.LORA_PREFIX, loraPrefix(id, attempt))
                .put(Placeholder.TRAINING_STEPS, steps)
                .put(Placeholder.LORA_RANK, rank)
                .put(Placeholder.LEARNING_RATE, learningRate)
                .put(Placeholder.TRAINING_RESOLUTION, resolution)
                .put(Placeholder.CHECKPOINT, checkpoint)
                .put(Placeholder.SEED, seed(id, attempt))
                .put(Placeholder.FILENAME_PREFIX, WorkerApi.LORA_SUBFOLDER + "/" + loraPrefix(id, attempt))
                .build();
    }

    /** A seed fixed by the training and attempt, 0 … 2^31 − 1. */
    private static long seed(UUID id, int attempt) {
        return (id.getLeastSignificantBits() ^ id.getMostSignificantBits() ^ attempt) & 0x7fffffffL;
    }
}
