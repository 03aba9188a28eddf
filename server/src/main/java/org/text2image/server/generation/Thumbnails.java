package org.text2image.server.generation;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.io.Resource;
import org.springframework.stereotype.Component;
import org.text2image.server.storage.ImageStore;

/**
 * JPEG thumbnails of result images, made once and kept in the image store under
 * {@code thumbs/<image id>.jpg}. Requests for the same missing thumbnail at the same moment wait
 * for one another, so the thumbnail is made once per server.
 */
@Component
class Thumbnails {

    /** Longest side of a thumbnail, in pixels (two history grid cells' width, for sharp high-DPI screens). */
    static final int MAX_SIDE = 384;
    static final String CONTENT_TYPE = "image/jpeg";

    private final ImageStore store;
    private final ConcurrentHashMap<UUID, Boolean> making = new ConcurrentHashMap<>();

    Thumbnails(ImageStore store) {
        this.store = store;
    }

    /** The thumbnail of the image stored under {@code originalKey}; empty when the original is missing. */
    Optional<Resource> of(UUID imageId, String originalKey) {
        String key = key(imageId);
        Optional<Resource> existing = store.resource(key);
        if (existing.isPresent()) {
            return existing;
        }
        Optional<Resource> original = store.resource(originalKey);
        if (original.isEmpty()) {
            return Optional.empty();
        }
        making.computeIfAbsent(imageId, id -> {
            if (store.resource(key).isEmpty()) {
                store.put(key, jpeg(original.get()));
            }
            return Boolean.TRUE;
        });
        making.remove(imageId);
        return store.resource(key);
    }

    /** Where the thumbnail of an image is kept in the image store. */
    static String key(UUID imageId) {
        return "thumbs/" + imageId + ".jpg";
    }

    private static byte[] jpeg(Resource original) {
        try (InputStream in = original.getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            // RGB, not the PNG's ARGB: JPEG has no alpha, and ImageIO writes ARGB JPEGs with wrong colours.
            net.coobird.thumbnailator.Thumbnails.of(in).size(MAX_SIDE, MAX_SIDE).imageType(BufferedImage.TYPE_INT_RGB)
                    .outputFormat("jpg").outputQuality(0.85).toOutputStream(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not make the thumbnail of " + original, e);
        }
    }
}
