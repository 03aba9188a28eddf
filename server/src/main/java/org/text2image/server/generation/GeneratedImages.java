package org.text2image.server.generation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.generation.queue.JobRepository.StoredImageRow;
import org.text2image.server.generation.queue.JobRepository;
import org.text2image.server.generation.queue.UserJobRows;
import org.text2image.server.storage.ImageStore;

/**
 * Result images and their thumbnails, for the image endpoints. A lookup needs the image's row (its
 * storage key, type and owner): read once by primary key, then kept in a bounded in-memory cache
 * ({@value #CACHED_ROWS} rows, least recently used out), since a stored image never changes — so a
 * signed image URL is served without a database read. Code that one day deletes images must evict
 * them here ({@link #forgetUser}). The bytes stay in the image store.
 */
@Service
public class GeneratedImages {

    /** Image rows kept in memory (a few hundred bytes each). */
    static final int CACHED_ROWS = 10_000;

    private final JobRepository jobs;
    private final UserJobRows userJobs;
    private final ImageStore store;
    private final Thumbnails thumbnails;
    private final Map<UUID, StoredImageRow> rows = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, StoredImageRow> eldest) {
            return size() > CACHED_ROWS;
        }
    });

    GeneratedImages(JobRepository jobs, UserJobRows userJobs, ImageStore store, Thumbnails thumbnails) {
        this.jobs = jobs;
        this.userJobs = userJobs;
        this.store = store;
        this.thumbnails = thumbnails;
    }

    /** The image, if {@code viewer} owns its job or is an admin; empty otherwise (or when unknown). */
    public Optional<ImageContent> image(UUID imageId, Viewer viewer) {
        return row(imageId).filter(row -> viewer.maySee(row.ownerId())).flatMap(this::original);
    }

    /**
     * The image for a request the caller has already authorised for someone allowed to see it (a
     * verified signed URL, whose signature was issued only to the owner or an admin); empty when unknown.
     */
    public Optional<ImageContent> authorisedImage(UUID imageId) {
        return row(imageId).flatMap(this::original);
    }

    /**
     * The image's JPEG thumbnail (at most {@value Thumbnails#MAX_SIDE} px a side), made from the
     * image on the first request and kept in the image store; authorised like {@link #authorisedImage}.
     */
    public Optional<ImageContent> authorisedThumbnail(UUID imageId) {
        return row(imageId).flatMap(row -> thumbnails.of(row.id(), row.storageKey())
                .map(resource -> new ImageContent(row.id(), row.jobId(), row.position(), Thumbnails.CONTENT_TYPE, resource)));
    }

    /**
     * Deletes the rows of every image of the user's jobs and their prompts, in the caller's
     * transaction (an account deleted on request), and forgets them here. The files stay until
     * {@link #deleteFiles} is called after the transaction commits.
     *
     * @return the images whose files to delete
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<RemovedImage> forgetUser(long userId) {
        List<RemovedImage> removed = userJobs.imagesOfUser(userId).stream()
                .map(row -> new RemovedImage(row.id(), row.storageKey())).toList();
        userJobs.forgetUser(userId);
        removed.forEach(image -> rows.remove(image.id()));
        return removed;
    }

    /**
     * Deletes the files (and thumbnails) of images whose rows are gone, and forgets them again in
     * case a request read a row before the deletion committed.
     *
     * @throws org.text2image.server.storage.StorageException when the store cannot delete a file
     */
    public void deleteFiles(List<RemovedImage> images) {
        for (RemovedImage image : images) {
            rows.remove(image.id());
            store.delete(image.storageKey());
            store.delete(Thumbnails.key(image.id()));
        }
    }

    /** An image whose row was deleted: its id and where its bytes are. */
    public record RemovedImage(UUID id, String storageKey) {
    }

    /** The image's row, from the cache or read once (an unknown id is not cached). */
    private Optional<StoredImageRow> row(UUID imageId) {
        StoredImageRow cached = rows.get(imageId);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<StoredImageRow> read = jobs.image(imageId);
        read.ifPresent(row -> rows.put(imageId, row));
        return read;
    }

    private Optional<ImageContent> original(StoredImageRow row) {
        return store.resource(row.storageKey())
                .map(resource -> new ImageContent(row.id(), row.jobId(), row.position(), row.contentType(), resource));
    }
}
