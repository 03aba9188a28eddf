package org.text2image.server.generation;

import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.text2image.server.generation.queue.JobRepository;
import org.text2image.server.generation.queue.JobRepository.StoredImageRow;
import org.text2image.server.storage.ImageStore;

/**
 * Result images and their thumbnails, for the image endpoints. Each lookup is one read of the
 * image's row by primary key (its storage key, type and owner); the bytes stay in the image store.
 */
@Service
public class GeneratedImages {

    private final JobRepository jobs;
    private final ImageStore store;
    private final Thumbnails thumbnails;

    GeneratedImages(JobRepository jobs, ImageStore store, Thumbnails thumbnails) {
        this.jobs = jobs;
        this.store = store;
        this.thumbnails = thumbnails;
    }

    /** The image, if {@code viewer} owns its job or is an admin; empty otherwise (or when unknown). */
    public Optional<ImageContent> image(UUID imageId, Viewer viewer) {
        return jobs.image(imageId).filter(row -> viewer.maySee(row.ownerId())).flatMap(this::original);
    }

    /**
     * The image for a request the caller has already authorised for someone allowed to see it (a
     * verified signed URL, whose signature was issued only to the owner or an admin); empty when unknown.
     */
    public Optional<ImageContent> authorisedImage(UUID imageId) {
        return jobs.image(imageId).flatMap(this::original);
    }

    /**
     * The image's JPEG thumbnail (at most {@value Thumbnails#MAX_SIDE} px a side), made from the
     * image on the first request and kept in the image store; authorised like {@link #authorisedImage}.
     */
    public Optional<ImageContent> authorisedThumbnail(UUID imageId) {
        return jobs.image(imageId).flatMap(row -> thumbnails.of(row.id(), row.storageKey())
                .map(resource -> new ImageContent(row.id(), row.jobId(), row.position(), Thumbnails.CONTENT_TYPE, resource)));
    }

    private Optional<ImageContent> original(StoredImageRow row) {
        return store.resource(row.storageKey())
                .map(resource -> new ImageContent(row.id(), row.jobId(), row.position(), row.contentType(), resource));
    }
}
