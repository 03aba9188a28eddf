package org.text2image.server.storage;

import java.nio.file.Path;
import java.util.Optional;
import org.springframework.core.io.Resource;

/**
 * Where image bytes live, under opaque keys that never reach the browser (images are served by
 * the application after an ownership check). A local folder by default, or an S3-compatible
 * bucket ({@code text2image.storage.type=s3}, docs/STORAGE.md).
 */
public interface ImageStore {

    /**
     * Stores bytes under a key, replacing any earlier bytes.
     *
     * @param key a relative key of letters, digits, {@code - _ . /}; no {@code ..}
     * @throws StorageException when the bytes cannot be written
     */
    void put(String key, byte[] bytes);

    /**
     * Stores a file's bytes under a key, replacing any earlier bytes, streaming them (never all in
     * memory: a video may be a gigabyte). The file itself is left as it was.
     *
     * @param key as for {@link #put(String, byte[])}
     * @param file a readable regular file
     * @throws StorageException when the file cannot be read or the bytes cannot be written
     */
    void put(String key, Path file);

    /** The bytes under a key, or empty when there are none. Reads them all into memory. */
    Optional<byte[]> get(String key);

    /**
     * The bytes under a key as a readable {@link Resource}, without reading them, or empty when
     * there are none. For a local folder it is a file ({@link Resource#isFile()}), which the web
     * server can send with zero copies (sendfile) and read by ranges.
     *
     * @throws StorageException when the store cannot be asked
     */
    Optional<Resource> resource(String key);

    /** Removes the bytes under a key, if any. */
    void delete(String key);

    /**
     * Whether the store can be reached now (for S3: the bucket answers a {@code HeadBucket}); never
     * throws. Meant for a readiness check; a local folder is up when it is a writable folder. A store
     * that cannot tell is up.
     */
    default StorageHealth check() {
        return StorageHealth.up(getClass().getSimpleName());
    }
}
