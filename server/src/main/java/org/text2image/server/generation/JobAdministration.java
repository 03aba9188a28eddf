package org.text2image.server.generation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.catalog.Model;
import org.text2image.server.catalog.ModelCatalog;
import org.text2image.server.generation.queue.AttemptLog;
import org.text2image.server.generation.queue.JobAdminRows;
import org.text2image.server.generation.queue.JobRepository;
import org.text2image.server.generation.queue.JobRow;
import org.text2image.server.generation.queue.WorkflowRenderer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Jobs as the admin pages see them: any user's jobs searched and paged, a job with every attempt
 * and the workflow sent to ComfyUI, and the figures of the dashboard and the Models page. Reads
 * only; cancelling is {@link GenerationService#cancel(UUID, long, String)}.
 */
@Service
public class JobAdministration {

    private final JobAdminRows rows;
    private final JobRepository jobs;
    private final AttemptLog attempts;
    private final WorkflowRenderer renderer;
    private final GenerationService generation;
    private final ModelCatalog catalog;

    JobAdministration(JobAdminRows rows, JobRepository jobs, AttemptLog attempts, WorkflowRenderer renderer,
                      GenerationService generation, ModelCatalog catalog) {
        this.rows = rows;
        this.jobs = jobs;
        this.attempts = attempts;
        this.renderer = renderer;
        this.generation = generation;
        this.catalog = catalog;
    }

    /**
     * A job in a list: who, what, its state and when.
     *
     * @param attempts attempts used of {@code maxAttempts}
     * @param error why it failed or was cancelled, or why its last attempt failed; null otherwise
     */
    public record JobSummary(UUID id, long userId, String modelId, String modelName, JobStatus status, int attempts,
                             int maxAttempts, long priceCredits, String prompt, Instant createdAt, Instant finishedAt,
                             String error) {
    }

    /** A page of the search, with the number of jobs that match in all. */
    public record JobPage(List<JobSummary> jobs, long total, int page, int size) {

        /** Whether a later page has jobs. */
        public boolean hasNext() {
            return (long) (page + 1) * size < total;
        }
    }

    /**
     * A job with everything the admin's job page shows.
     *
     * @param attempts every attempt, first first
     * @param workflow the ComfyUI graph its current attempt gets (the model's template with the job's
     *     values), pretty-printed JSON; null when the model is no longer in the catalog
     */
    public record JobDetail(JobView job, List<AttemptRecord> attempts, String workflow) {
    }

    /** One page of the jobs matching {@code search}, newest first. */
    @Transactional(readOnly = true)
    public JobPage search(JobSearch search) {
        List<JobSummary> found = rows.search(search).stream().map(this::summary).toList();
        return new JobPage(found, rows.count(search), search.page(), search.size());
    }

    /** The job with its attempts and rendered workflow, whoever owns it. */
    @Transactional(readOnly = true)
    public Optional<JobDetail> detail(UUID jobId) {
        Optional<JobRow> row = jobs.find(jobId);
        return row.flatMap(job -> generation.find(jobId, new Viewer(job.userId(), true)).map(view -> new JobDetail(view,
                attempts.of(jobId), rendered(job))));
    }

    /** The job's workflow as it would be sent now; null when its model, its input image or its LoRA is gone. */
    private String rendered(JobRow job) {
        try {
            return renderer.render(job).map(JobAdministration::pretty).orElse(null);
        } catch (WorkflowRenderer.InputImageGoneException | WorkflowRenderer.LoraUnusableException e) {
            return null;
        }
    }

    /**
     * The dashboard's job figures: the queue now, the jobs submitted in [{@code dayStart},
     * {@code dayEnd}) and in each of {@code hourCount} hours from {@code hoursStart}.
     */
    @Transactional(readOnly = true)
    public JobFigures figures(Instant dayStart, Instant dayEnd, Instant hoursStart, int hourCount) {
        return rows.figures(dayStart, dayEnd, hoursStart, hourCount, 5);
    }

    /** Each model's jobs submitted since {@code since} (models without jobs are absent). */
    @Transactional(readOnly = true)
    public List<ModelFigures> modelFigures(Instant since) {
        return rows.modelFigures(since);
    }

    /** A request for the same settings as {@code job}, seed and LoRA included: what "run again" submits. */
    public static GenerationRequest sameAs(JobParameters p) {
        JobParameters.Video video = p.video();
        return new GenerationRequest(p.modelId(), p.prompt(), p.negativePrompt(), p.width(), p.height(), p.batchSize(),
                p.seed(), p.steps(), p.cfgScale(), p.sampler(), p.scheduler(), video == null ? null : video.frames(),
                video == null ? null : video.fps(), video == null ? null : video.inputImageId(),
                p.hasLora() ? p.lora().id() : null, p.hasLora() ? p.lora().strength() : null);
    }

    private JobSummary summary(JobRow row) {
        JobParameters p = row.parameters();
        return new JobSummary(row.id(), row.userId(), p.modelId(),
                catalog.find(p.modelId()).map(Model::name).orElse(p.modelId()), row.status(), row.attemptsUsed(),
                row.maxAttempts(), p.priceCredits(), p.prompt(), row.createdAt(), row.finishedAt(), row.lastError());
    }

    private static String pretty(Object graph) {
        return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(graph);
    }
}
