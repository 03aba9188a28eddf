package org.text2image.worker.api;

import java.util.List;

/**
 * JSON body of {@code POST /api/worker/v1/jobs/{jobId}/complete} after a direct upload
 * ({@code Content-Type: application/json}): the keys the images were uploaded under instead of
 * the bytes.
 *
 * @param attempt the attempt number from {@link ClaimedJob#attempt()}
 * @param images the uploaded files, in order
 */
public record UploadedCompletion(int attempt, List<UploadedImageKey> images) {

    /**
     * One uploaded file.
     *
     * @param key the key from {@link UploadUrls.Target#key()}
     * @param size its length in bytes, as declared for the URL
     * @param md5 its MD5 digest in Base64, as declared for the URL
     */
    public record UploadedImageKey(String key, long size, String md5) {
    }
}
