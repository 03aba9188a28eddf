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
 * Result images (and videos, with their posters) and their thumbnails, for the image endpoints. A lookup needs the image's row (its
 * storage key, type and owner): read once by primary key, then kept in a bounded in-memory cache
 * ({@value #CACHED_ROWS} rows, least recently used out), since a stored image never changes — so a
 * signed image URL is served without a database read. Code that one day deletes images must evict
 * them here ({@link #forgetUser}). The bytes stay in the image store.
 */
@Service
public class GeneratedImages {

    /** A video's poster is a PNG (the template's SaveImage of the first frame). */
    public static final String POSTER_CONTENT_TYPE = "image/png";

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
        return row(imageId).flatMap(row -> thumbnailSource(row).flatMap(source -> thumbnails.of(row.id(), source))
                .map(resource -> new ImageContent(row.id(), row.jobId(), row.position(), Thumbnails.CONTENT_TYPE, resource)));
    }

    /**
     * A video's poster (its first frame, a PNG), if {@code viewer} owns its job or is an admin;
     * empty otherwise, for an image, or for a video without poster.
     */
    public Optional<ImageContent> poster(UUID imageId, Viewer viewer) {
        return row(imageId).filter(row -> viewer.maySee(row.ownerId())).flatMap(this::poster);
    }

    /** {@link #poster} for a request the caller has already authorised, as {@link #authorisedImage}. */
    public Optional<ImageContent> authorisedPoster(UUID imageId) {
        return row(imageId).flatMap(this::poster);
    }

    /** What a thumbnail is made from: an image itself, a video's poster; nothing for a video without poster. */
    private static Optional<String> thumbnailSource(StoredImageRow row) {
        if (row.contentType() != null && row.contentType().startsWith("video/")) {
            return Optional.ofNullable(row.posterKey());
        }
        return Optional.of(row.storageKey());
    }

    private Optional<ImageContent> poster(StoredImageRow row) {
        return Optional.ofNullable(row.posterKey()).flatMap(store::resource)
                .map(resource -> new ImageContent(row.id(), row.jobId(), row.position(), POSTER_CONTENT_TYPE, resource));
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
                .map(row -> new RemovedImage(row.id(), row.storageKey(), row.posterKey())).toList();
        userJobs.forgetUser(userId);
        removed.forEach(image -> rows.remove(image.id()));
        return removed;
    }

    /**
     * Deletes the files (and thumbnails, and a video's poster) of images whose rows are gone, and forgets them again in
     * case a request read a row before the deletion committed.
     *
     * @throws org.text2image.server.storage.StorageException when the store cannot delete a file
     */
    public void deleteFiles(List<RemovedImage> images) {
        for (RemovedImage image : images) {
            rows.remove(image.id());
            store.delete(image.storageKey());
            store.delete(Thumbnails.key(image.id()));
            if (image.posterKey() != null) {
                store.delete(image.posterKey());
            }
        }
    }

    /**
     * An image whose row was deleted: its id and where its bytes are.
     *
     * @param posterKey where a video's poster is, or null
     */
    public record RemovedImage(UUID id, String storageKey, String posterKey) {

        /** An image without poster. */
        public RemovedImage(UUID id, String storageKey) {
            this(id, storageKey, null);
        }
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
