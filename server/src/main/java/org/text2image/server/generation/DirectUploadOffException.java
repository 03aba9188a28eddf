package org.text2image.server.generation;

/**
 * Direct worker upload is not offered by this server (the store is not S3, or
 * {@code text2image.storage.s3.direct-worker-upload} is off): the worker sends its images with the
 * multipart completion instead; nor for a video job, whatever the store. The worker API answers 404.
 */
public class DirectUploadOffException extends RuntimeException {

    public DirectUploadOffException() {
        super("This server does not take direct uploads to its image store (it needs text2image.storage.type=s3 and "
                + "text2image.storage.s3.direct-worker-upload=true); complete the job with the images as multipart/form-data.");
    }

    /** Direct upload is off for this job only (a video job: direct upload takes images only). */
    public DirectUploadOffException(String message) {
        super(message);
    }
}
