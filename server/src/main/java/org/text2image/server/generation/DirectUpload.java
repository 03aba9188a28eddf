package org.text2image.server.generation;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

/**
 * The domain shapes of direct worker upload (docs/WORKER_API.md, "Direct upload to the bucket"):
 * what a worker declares, where it may put each file, and what it names when it completes.
 */
public final class DirectUpload {

    private DirectUpload() {
    }

    /**
     * A file a worker means to upload.
     *
     * @param size its length in bytes
     * @param md5 its MD5 digest in Base64 ({@code Content-MD5}, RFC 1864)
     */
    public record Declared(long size, String md5) {
    }

    /**
     * Where one declared file goes.
     *
     * @param key the upload key, {@code uploads/<job id>/<attempt>/<n>.png}
     * @param url the presigned {@code PUT} URL
     * @param headers the headers the {@code PUT} must carry exactly
     * @param expiresAt when the URL stops working
     */
    public record Target(String key, URI url, Map<String, String> headers, Instant expiresAt) {
    }

    /**
     * A file a worker says it uploaded.
     *
     * @param key the upload key it was given
     * @param size its length in bytes, as declared
     * @param md5 its MD5 digest in Base64, as declared (null: not compared)
     */
    public record Uploaded(String key, long size, String md5) {
    }
}
