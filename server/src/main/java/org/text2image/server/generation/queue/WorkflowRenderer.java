package org.text2image.server.generation.queue;

import java.util.Optional;
import org.springframework.stereotype.Component;
import org.text2image.server.catalog.Model;
import org.text2image.server.catalog.ModelCatalog;
import org.text2image.server.generation.JobParameters;
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

    WorkflowRenderer(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    /** The rendered graph, or empty when the job's model is no longer configured. */
    public Optional<ObjectNode> render(JobRow job) {
        JobParameters p = job.parameters();
        Optional<Model> model = catalog.find(p.modelId());
        if (model.isEmpty()) {
            return Optional.empty();
        }
        WorkflowValues values = WorkflowValues.builder()
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
        return Optional.of(model.get().workflow().render(values));
    }
}
