package org.text2image.worker.api;

import java.util.List;
import java.util.Map;

/**
 * Answer of {@code POST /api/worker/v1/jobs/{jobId}/upload-urls}: where to {@code PUT} each image,
 * in the order they were declared.
 *
 * @param uploads one per declared image
 * @param expiresInSeconds how long the URLs work, in seconds from the answer
 */
public record UploadUrls(List<Target> uploads, long expiresInSeconds) {

    /**
     * One presigned upload.
     *
     * @param key the storage key to name in the completion ({@code uploads/<job id>/<attempt>/<n>.png})
     * @param url the presigned {@code PUT} URL of the bucket (no worker token may be sent there)
     * @param headers the headers the {@code PUT} must carry exactly ({@code Content-Type},
     *     {@code Content-MD5}); the HTTP client adds {@code Host} and {@code Content-Length}
     */
    public record Target(String key, String url, Map<String, String> headers) {
    }
}
