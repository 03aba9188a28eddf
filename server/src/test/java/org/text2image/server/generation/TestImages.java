package org.text2image.server.generation;

import java.util.List;
import java.util.UUID;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.Images;
import org.text2image.server.support.TestCatalog;

/** A real PNG, and a job completed with it as a worker would do (claim, then complete). */
public final class TestImages {

    public static final byte[] PNG = Images.png(64, 64);

    private TestImages() {
    }

    /** Claims the next queued job (it must be {@code job}) and completes it with {@link #PNG}; returns the image id. */
    public static UUID complete(JobQueue queue, GenerationService generation, JobView job, SignedInUser owner) {
        LeasedJob claimed = queue.claim("test-worker", TestCatalog.CHECKPOINTS).orElseThrow();
        if (!claimed.jobId().equals(job.id())) {
            throw new IllegalStateException("Claimed " + claimed.jobId() + ", expected " + job.id());
        }
        queue.complete(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, List.of(new UploadedImage("a.png", PNG)));
        return generation.find(job.id(), new Viewer(owner.id(), false)).orElseThrow().images().getFirst().id();
    }
}
