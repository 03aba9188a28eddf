package org.text2image.server.storage;

import java.util.Optional;
import org.springframework.core.io.Resource;

/**
 * Where image bytes live, under opaque keys that never reach the browser (images are served by
 * the application after an ownership check). A local folder by default.
 */
public interface ImageStore {

    /**
     * Stores bytes under a key, replacing any earlier bytes.
     *
     * @param key a relative key of letters, digits, {@code - _ . /}; no {@code ..}
     * @throws StorageException when the bytes cannot be written
     */
    void put(String key, byte[] bytes);

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
     * Checks that the store can be used now (the readiness probe's {@code storage} check,
     * docs/OPERATIONS.md). The default checks nothing; a store that can tell cheaply overrides it
     * (the local folder: it exists, or can be made, and a file can be written in it).
     *
     * @throws StorageException naming what is wrong when the store cannot be used
     */
    default void check() {
    }
}
