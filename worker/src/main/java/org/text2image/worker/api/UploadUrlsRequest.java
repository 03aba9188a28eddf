package org.text2image.worker.api;

import java.util.List;

/**
 * Body of {@code POST /api/worker/v1/jobs/{jobId}/upload-urls}: asks for one presigned {@code PUT}
 * URL per result image (direct worker upload, docs/WORKER_API.md).
 *
 * @param attempt the attempt number from {@link ClaimedJob#attempt()}
 * @param images the PNG files to upload, in order: 1 … the job's batch size (at most
 *     {@link WorkerApiLimits#MAX_IMAGES_PER_COMPLETION})
 */
public record UploadUrlsRequest(int attempt, List<DeclaredImage> images) {

    /**
     * One file the worker will upload; its length and MD5 are signed into the URL.
     *
     * @param size the file's length in bytes, 1 … {@link WorkerApiLimits#MAX_DIRECT_UPLOAD_BYTES}
     * @param md5 the file's MD5 digest in Base64 (as the {@code Content-MD5} header, RFC 1864)
     */
    public record DeclaredImage(long size, String md5) {
    }
}
