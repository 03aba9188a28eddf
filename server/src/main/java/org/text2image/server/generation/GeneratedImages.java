package org.text2image.server.generation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.text2image.server.generation.queue.JobRepository.StoredImageRow;
import org.text2image.server.generation.queue.JobRepository;
import org.text2image.server.storage.ImageStore;

/**
 * Result images and their thumbnails, for the image endpoints. A lookup needs the image's row (its
 * storage key, type and owner): read once by primary key, then kept in a bounded in-memory cache
 * ({@value #CACHED_ROWS} rows, least recently used out), since a stored image never changes — so a
 * signed image URL is served without a database read. Code that one day deletes images must evict
 * them here. The bytes stay in the image store.
 */
@Service
public class GeneratedImages {

    /** Image rows kept in memory (a few hundred bytes each). */
    static final int CACHED_ROWS = 10_000;

    private final JobRepository jobs;
    private final ImageStore store;
    private final Thumbnails thumbnails;
    private final Map<UUID, StoredImageRow> rows = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, StoredImageRow> eldest) {
            return size() > CACHED_ROWS;
        }
    });

    GeneratedImages(JobRepository jobs, ImageStore store, Thumbnails thumbnails) {
        this.jobs = jobs;
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
