package org.text2image.server.generation;

import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.Images;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;

/** Real PNGs of a job's size, and a job completed with them as a worker would do (claim, then complete). */
public final class TestImages {

    private TestImages() {
    }

    /** What a worker uploads for the job: one PNG of the job's width and height per image of its batch. */
    public static List<UploadedImage> result(TestDatabase db, UUID jobId) {
        return db.jdbc().sql("SELECT width, height, batch_size FROM generation_job WHERE id = ?").params(jobId)
                .query((rs, n) -> pngs(rs.getInt("width"), rs.getInt("height"), rs.getInt("batch_size"))).single();
    }

    /** Claims the next queued job (it must be {@code job}) and completes it with PNGs of its size; returns the first image's id. */
    public static UUID complete(JobQueue queue, GenerationService generation, JobView job, SignedInUser owner) {
        LeasedJob claimed = queue.claim("test-worker", TestCatalog.CHECKPOINTS).orElseThrow();
        if (!claimed.jobId().equals(job.id())) {
            throw new IllegalStateException("Claimed " + claimed.jobId() + ", expected " + job.id());
        }
        JobParameters asked = job.parameters();
        queue.complete(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED,
                pngs(asked.width(), asked.height(), asked.batchSize()));
        return generation.find(job.id(), new Viewer(owner.id(), false)).orElseThrow().images().getFirst().id();
    }

    private static List<UploadedImage> pngs(int width, int height, int count) {
        byte[] png = Images.png(width, height);
        return IntStream.range(0, count).mapToObj(i -> new UploadedImage("out-" + i + ".png", png)).toList();
    }
}
