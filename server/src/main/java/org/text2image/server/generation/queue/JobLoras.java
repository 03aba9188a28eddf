package org.text2image.server.generation.queue;

import java.util.Optional;
import java.util.UUID;
import org.springframework.core.io.Resource;
import org.springframework.modulith.NamedInterface;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.generation.NotYourJobException;
import org.text2image.server.generation.StaleAttemptException;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.training.LoraModels;

/**
 * The LoRA file of a job made with one of the user's LoRAs, for the worker running it
 * ({@code GET /api/worker/v1/jobs/{id}/loras/{loraId}?attempt=N}, docs/TRAINING.md "Using a LoRA").
 * Authorised by the job, not by the LoRA's owner: the worker gets the file only while it holds an
 * attempt of a job that uses exactly that LoRA.
 */
@Component
@NamedInterface("queue")
public class JobLoras {

    /**
     * The bytes to send a worker.
     *
     * @param sizeBytes the file's size, as stored with the LoRA
     * @param resource the stored bytes, not read yet
     */
    public record Content(long sizeBytes, Resource resource) {
    }

    private final JobRepository jobs;
    private final LoraModels loras;

    JobLoras(JobRepository jobs, LoraModels loras) {
        this.jobs = jobs;
        this.loras = loras;
    }

    /**
     * The LoRA file {@code loraId} of the attempt {@code caller} holds. Fenced like a heartbeat, but
     * reads only.
     *
     * @return the bytes; empty for an unknown job, a job that does not use {@code loraId}, or a LoRA
     *     deleted (or whose file is gone)
     * @throws StaleAttemptException when the job is not RUNNING under {@code attempt}
     * @throws NotYourJobException when the attempt is leased to another worker than the caller's
     *     token's (403, as for the job's other calls)
     */
    @Transactional(readOnly = true)
    public Optional<Content> forAttempt(UUID jobId, int attempt, UUID loraId, WorkerIdentity caller) {
        Optional<JobRow> job = jobs.find(jobId);
        if (job.isEmpty()) {
            return Optional.empty();
        }
        JobRow row = job.get();
        if (row.status() != JobStatus.RUNNING || row.attempt() != attempt) {
            throw new StaleAttemptException(jobId, attempt);
        }
        if (!caller.mayActFor(row.workerName())) {
            throw new NotYourJobException(jobId, attempt);
        }
        if (!row.parameters().hasLora() || !row.parameters().lora().id().equals(loraId)) {
            return Optional.empty();
        }
        return loras.stored(loraId).map(stored -> new Content(stored.lora().sizeBytes(), stored.file()));
    }
}
