package org.text2image.server.storage;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Uploads that go from a worker straight into the store through presigned {@code PUT} URLs, for
 * {@code text2image.storage.type=s3} with {@code text2image.storage.s3.direct-worker-upload=true}
 * (docs/STORAGE.md, "Direct worker upload"). There is a bean of this type only then; without one,
 * workers send their images to the server (multipart completion).
 *
 * <p>Keys are the same opaque storage keys as {@link ImageStore}'s.
 */
public interface DirectUploads {

    /**
     * A presigned {@code PUT} of {@code key} that the bucket accepts only with exactly these
     * headers: {@code Content-Type}, {@code Content-Length} and {@code Content-MD5} are signed into
     * the URL (SigV4 signed headers), so other bytes, another length or another type are refused
     * by the bucket ({@code 403 SignatureDoesNotMatch}, or {@code 400 BadDigest} for bytes that do
     * not match the MD5).
     *
     * @param contentType the type the object must be stored with, e.g. {@code image/png}
     * @param size the exact length in bytes
     * @param md5 the MD5 digest of the bytes (16 bytes)
     */
    PresignedUpload presignPut(String key, String contentType, long size, byte[] md5);

    /** The object's size and stored content type ({@code HeadObject}), or empty when there is none. */
    Optional<UploadedObject> head(String key);

    /** The object's bytes, all in memory, or empty when there is none. */
    Optional<byte[]> read(String key);

    /** Copies an object to another key inside the store ({@code CopyObject}: the bytes stay in the bucket). */
    void copy(String from, String to);

    /** Removes the object, if any. */
    void delete(String key);

    /**
     * A presigned upload.
     *
     * @param url where to {@code PUT} the bytes
     * @param headers the headers the {@code PUT} must carry, as signed (without {@code Host} and
     *                {@code Content-Length}, which an HTTP client sets itself)
     * @param expiresAt when the URL stops working
     */
    record PresignedUpload(URI url, Map<String, String> headers, Instant expiresAt) {
    }

    /**
     * What the store holds under an upload key.
     *
     * @param size its length in bytes
     * @param contentType the {@code Content-Type} it was stored with, or null
     */
    record UploadedObject(long size, String contentType) {
    }
}
