package org.text2image.server.storage.s3;

import java.util.Optional;
import org.text2image.server.storage.DirectUploads;

/**
 * {@link DirectUploads} on the S3 store: presigned {@code PUT}s valid for
 * {@code text2image.storage.s3.presigned-ttl}, checked and copied with the store's client.
 */
final class S3DirectUploads implements DirectUploads {

    private final S3ImageStore store;

    S3DirectUploads(S3ImageStore store) {
        this.store = store;
    }

    @Override
    public PresignedUpload presignPut(String key, String contentType, long size, byte[] md5) {
        return store.presignedUpload(key, contentType, size, md5);
    }

    @Override
    public Optional<UploadedObject> head(String key) {
        return store.stat(key).map(info -> new UploadedObject(info.size(), info.contentType()));
    }

    @Override
    public Optional<byte[]> read(String key) {
        return store.get(key);
    }

    @Override
    public void copy(String from, String to) {
        store.copy(from, to);
    }

    @Override
    public void delete(String key) {
        store.delete(key);
    }
}
