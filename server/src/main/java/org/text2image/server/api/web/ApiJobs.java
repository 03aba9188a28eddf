package org.text2image.server.api.web;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.JobReceipt;
import org.text2image.server.generation.JobImage;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.web.ImageUrls;

/**
 * Turns the generation module's {@link JobView}s into the API's {@link ApiJob}s: status in lower
 * case, the cost from the job's ledger entries, and absolute signed image URLs for the owner.
 */
@Component
class ApiJobs {

    private final CreditStatements statements;
    private final ImageUrls imageUrls;

    ApiJobs(CreditStatements statements, ImageUrls imageUrls) {
        this.statements = statements;
        this.imageUrls = imageUrls;
    }

    /** One job, for its owner {@code ownerId}, with one read of its ledger entries. */
    ApiJob of(JobView job, long ownerId) {
        return of(job, ownerId, statements.receipt(job.id()).orElse(null));
    }

    /** Several jobs with one read of their ledger entries. */
    List<ApiJob> of(List<JobView> jobs, long ownerId) {
        Map<UUID, JobReceipt> receipts = statements.receipts(jobs.stream().map(JobView::id).toList());
        return jobs.stream().map(job -> of(job, ownerId, receipts.get(job.id()))).toList();
    }

    private ApiJob of(JobView job, long ownerId, JobReceipt receipt) {
        String base = ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
        Instant expires = imageUrls.expiryOfUrlsSignedNow();
        Function<JobImage, ApiJob.Image> image = img -> new ApiJob.Image(img.id(), img.position(), img.contentType(),
                base + imageUrls.imageForOwner(job, img.id(), ownerId),
                img.hasThumbnail() ? base + imageUrls.thumbnailForOwner(job, img.id(), ownerId) : null,
                img.isVideo() && img.hasPoster() ? base + imageUrls.posterForOwner(job, img.id(), ownerId) : null, expires);
        var p = job.parameters();
        return new ApiJob(job.id(), job.status().name().toLowerCase(java.util.Locale.ROOT), p.modelId(), job.modelName(),
                p.prompt(), p.negativePrompt(), p.width(), p.height(), p.batchSize(), p.seed(), p.steps(), p.cfgScale(),
                p.sampler(), p.scheduler(), job.queuePosition(), job.estimatedWaitSeconds(),
                new ApiJob.Progress(job.progressStep(), job.progressTotal()), job.attempt(), job.maxAttempts(),
                new ApiJob.Cost(p.priceCredits(), receipt == null ? 0 : receipt.held(),
                        receipt == null ? 0 : receipt.charged(), receipt == null ? 0 : receipt.released()),
                job.error(), job.createdAt(), job.finishedAt(),
                job.images().stream().map(image).collect(Collectors.toList()),
                p.video() == null ? null
                        : new ApiJob.Video(p.video().frames(), p.video().fps(), p.video().inputImageId()),
                p.lora() == null ? null : new ApiJob.Lora(p.lora().id(), p.lora().strength()));
    }
}
