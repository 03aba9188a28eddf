package org.text2image.server.generation.queue;

import java.util.Optional;
import java.util.UUID;
import org.springframework.core.io.Resource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.modulith.NamedInterface;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.generation.JobNotFoundException;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.generation.NotYourJobException;
import org.text2image.server.generation.StaleAttemptException;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.storage.ImageStore;

/**
 * An image-to-video job's input image: the user's own image ({@code job_image} row named by
 * {@code generation_job.input_image_id}, migration V31) that the video starts from. The claim
 * names it to the worker, the worker fetches its bytes with
 * {@code GET /api/worker/v1/jobs/{id}/input-image?attempt=N} (docs/WORKER_API.md, "Input images
 * (image-to-video)") and uploads them to its ComfyUI.
 */
@Component
@NamedInterface("queue")
public class JobInputImages {

    /**
     * Where a job's input image is stored.
     *
     * @param imageId the {@code job_image} row
     * @param storageKey its key in the {@link ImageStore}
     * @param contentType {@code image/png} or {@code image/jpeg} (as stored with the image)
     */
    public record InputImage(UUID imageId, String storageKey, String contentType) {
    }

    /**
     * The bytes to send a worker.
     *
     * @param contentType as {@link InputImage#contentType()}
     * @param resource the stored bytes, not read yet
     */
    public record Content(String contentType, Resource resource) {
    }

    private final JdbcClient jdbc;
    private final JobRepository jobs;
    private final ImageStore store;

    JobInputImages(JdbcClient jdbc, JobRepository jobs, ImageStore store) {
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.store = store;
    }

    /** The job's input image, or empty for a job without one (or an unknown job). One indexed query. */
    @Transactional(readOnly = true)
    public Optional<InputImage> of(UUID jobId) {
        return jdbc.sql("""
                        SELECT i.id, i.storage_key, i.content_type
                        FROM generation_job j JOIN job_image i ON i.id = j.input_image_id
                        WHERE j.id = ?""")
                .params(jobId)
                .query((rs, n) -> new InputImage(rs.getObject("id", UUID.class), rs.getString("storage_key"),
                        rs.getString("content_type")))
                .optional();
    }

    /**
     * The input image of the attempt {@code caller} holds, for the worker to upload to its ComfyUI.
     * Fenced like a heartbeat, but reads only.
     *
     * @return the bytes, or empty when the job has no input image (or its bytes are gone from the store)
     * @throws JobNotFoundException when there is no such job
     * @throws StaleAttemptException when the job is not RUNNING under {@code attempt}
     * @throws NotYourJobException when the attempt is leased to another worker than the caller's token's
     */
    @Transactional(readOnly = true)
    public Optional<Content> forAttempt(UUID jobId, int attempt, WorkerIdentity caller) {
        JobRow job = jobs.find(jobId).orElseThrow(() -> new JobNotFoundException(jobId));
        if (job.status() != JobStatus.RUNNING || job.attempt() != attempt) {
            throw new StaleAttemptException(jobId, attempt);
        }
        if (!caller.mayActFor(job.workerName())) {
            throw new NotYourJobException(jobId, attempt);
        }
        return of(jobId).flatMap(image -> store.resource(image.storageKey())
                .map(resource -> new Content(image.contentType(), resource)));
    }
}
