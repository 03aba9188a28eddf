package org.text2image.server.generation.queue;

import java.util.Optional;
import org.springframework.stereotype.Component;
import org.text2image.server.catalog.Model;
import org.text2image.server.catalog.ModelCatalog;
import org.text2image.server.generation.JobParameters;
import org.text2image.server.training.LoraModel;
import org.text2image.server.training.LoraModels;
import org.text2image.worker.api.WorkerApi;
import org.text2image.worker.workflow.Placeholder;
import org.text2image.worker.workflow.WorkflowValues;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fills a job's model template with the job's parameters. The SaveImage filename prefix is
 * {@code text2image/<job id>-<attempt>}, so each attempt's files are its own and ComfyUI's cache
 * never hands one job another job's file (docs/COMFYUI.md).
 */
@Component
public class WorkflowRenderer {

    private final ModelCatalog catalog;
    private final JobRepository jobs;
    private final LoraModels loras;

    WorkflowRenderer(ModelCatalog catalog, JobRepository jobs, LoraModels loras) {
        this.catalog = catalog;
        this.jobs = jobs;
        this.loras = loras;
    }

    /**
     * The rendered graph, or empty when the job's model is no longer configured. A video job also
     * fills {@code {{frames}}} and {@code {{fps}}}, and an image-to-video job {@code {{input_image}}}
     * with the name the worker uploads its input image under ({@link WorkerApi#inputImageName}). A
     * job made with a LoRA gets its {@code LoraLoaderModelOnly} node ({@link LoraInsertion}).
     *
     * @throws InputImageGoneException when an image-to-video job's input image was removed
     * @throws LoraUnusableException when the job's LoRA was deleted, or the model's workflow cannot take one
     */
    public Optional<ObjectNode> render(JobRow job) {
        JobParameters p = job.parameters();
        Optional<Model> model = catalog.find(p.modelId());
        if (model.isEmpty()) {
            return Optional.empty();
        }
        WorkflowValues.Builder builder = WorkflowValues.builder();
        if (p.isVideo()) {
            builder.put(Placeholder.FRAMES, p.video().frames()).put(Placeholder.FPS, p.video().fps());
            if (model.get().workflow().placeholders().contains(Placeholder.INPUT_IMAGE)) {
                String type = Optional.ofNullable(p.video().inputImageId()).flatMap(jobs::imageType)
                        .orElseThrow(InputImageGoneException::new);
                builder.put(Placeholder.INPUT_IMAGE, WorkerApi.INPUT_SUBFOLDER + "/"
                        + WorkerApi.inputImageName(job.id(), job.attempt(), type));
            }
        }
        WorkflowValues values = builder
                .put(Placeholder.PROMPT, p.prompt())
                .put(Placeholder.NEGATIVE_PROMPT, p.negativePrompt())
                .put(Placeholder.WIDTH, p.width())
                .put(Placeholder.HEIGHT, p.height())
                .put(Placeholder.BATCH_SIZE, p.batchSize())
                .put(Placeholder.SEED, p.seed())
                .put(Placeholder.STEPS, p.steps())
                .put(Placeholder.CFG, p.cfgScale())
                .put(Placeholder.SAMPLER, p.sampler())
                .put(Placeholder.SCHEDULER, p.scheduler())
                .put(Placeholder.CHECKPOINT, p.checkpoint())
                .put(Placeholder.FILENAME_PREFIX, "text2image/" + job.id() + "-" + job.attempt())
                .build();
        ObjectNode graph = model.get().workflow().render(values);
        if (p.hasLora()) {
            LoraModel lora = loras.find(p.lora().id()).orElseThrow(() -> new LoraUnusableException(
                    "The custom model this job uses was deleted."));
            try {
                LoraInsertion.insert(graph, lora.sha256(), p.lora().strength());
            } catch (LoraInsertion.NoModelLoaderException e) {
                throw new LoraUnusableException("The model \"" + model.get().name() + "\" cannot take a custom model now.");
            }
        }
        return Optional.of(graph);
    }

    /**
     * A job made with a LoRA that cannot run: the LoRA was deleted after the job was submitted, or
     * the model's workflow no longer has a loader to put it after.
     */
    public static final class LoraUnusableException extends RuntimeException {
        LoraUnusableException(String message) {
            super(message);
        }
    }

    /** An image-to-video job whose input image was removed (its account's images deleted): it cannot run. */
    public static final class InputImageGoneException extends RuntimeException {
        InputImageGoneException() {
            super("The image this video starts from was removed.");
        }
    }
}
