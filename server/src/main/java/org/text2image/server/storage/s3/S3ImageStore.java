package org.text2image.server.storage.s3;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.io.Resource;
import org.text2image.server.storage.DirectUploads;
import org.text2image.server.storage.ImageStore;
import org.text2image.server.storage.LocalFolderImageStore;
import org.text2image.server.storage.StorageException;
import org.text2image.server.storage.StorageHealth;
import org.text2image.server.storage.StorageProperties;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/**
 * {@link ImageStore} on an S3-compatible bucket: a key is an object named {@code prefix + key}.
 * {@link #resource} asks {@code HeadObject} for the size and returns an {@link S3ObjectResource}
 * that reads by {@code GetObject} only when the bytes are sent (by ranges when a range is asked for),
 * never holding the whole image in memory. Errors of the service become {@link StorageException}s
 * naming the bucket, the endpoint and the cause.
 */
public class S3ImageStore implements ImageStore, AutoCloseable {

    private final S3Client client;
    private final S3Presigner presigner;
    private final StorageProperties.S3 settings;
    private volatile boolean presignedDownloads;

    S3ImageStore(S3Client client, S3Presigner presigner, StorageProperties.S3 settings) {
        this.client = client;
        this.presigner = presigner;
        this.settings = settings;
        this.presignedDownloads = settings.presignedDownloads();
    }

    @Override
    public void put(String key, byte[] bytes) {
        String object = object(key);
        try {
            client.putObject(PutObjectRequest.builder().bucket(settings.bucket()).key(object)
                    .contentMD5(Base64.getEncoder().encodeToString(Checksums.md5(bytes))).build(), RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw failure("Could not store " + key, e);
        }
    }

    /**
     * Uploads the file in one {@code PutObject} streamed from disk ({@code RequestBody.fromFile}),
     * with its MD5 (read from the file first) as {@code Content-MD5}.
     */
    @Override
    public void put(String key, Path file) {
        byte[] md5;
        try {
            md5 = Checksums.md5(file);
        } catch (IOException e) {
            throw new StorageException("Could not read " + file + " to store it as " + key, e);
        }
        putFile(key, file, md5);
    }

    /**
     * Uploads a file with its MD5 as {@code Content-MD5}, so the service refuses bytes that arrive
     * changed (S3 API reference, PutObject).
     *
     * @param md5 the file's MD5 digest (16 bytes)
     */
    void putFile(String key, Path file, byte[] md5) {
        try {
            client.putObject(PutObjectRequest.builder().bucket(settings.bucket()).key(object(key))
                    .contentMD5(Base64.getEncoder().encodeToString(md5)).build(), RequestBody.fromFile(file));
        } catch (SdkException e) {
            throw failure("Could not store " + key, e);
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        try {
            return Optional.of(client.getObjectAsBytes(get(key, null).build()).asByteArray());
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("Could not read " + key, e);
        } catch (SdkException e) {
            throw failure("Could not read " + key, e);
        }
    }

    @Override
    public Optional<Resource> resource(String key) {
        return stat(key).map(info -> new S3ObjectResource(this, key, info.size(), info.lastModified()));
    }

    @Override
    public void delete(String key) {
        try {
            client.deleteObject(request -> request.bucket(settings.bucket()).key(object(key)));
        } catch (SdkException e) {
            throw failure("Could not delete " + key, e);
        }
    }

    @Override
    public StorageHealth check() {
        try {
            client.headBucket(request -> request.bucket(settings.bucket()));
            return StorageHealth.up("S3 " + settings.describe());
        } catch (SdkException e) {
            return StorageHealth.down("S3 " + settings.describe() + " cannot be used: " + cause(e));
        }
    }

    /** The object's size and {@code ETag} (quotes removed), or empty when there is none; asks {@code HeadObject}. */
    Optional<ObjectInfo> stat(String key) {
        try {
            HeadObjectResponse head = client.headObject(request -> request.bucket(settings.bucket()).key(object(key)));
            String etag = head.eTag() == null ? "" : head.eTag().replace("\"", "");
            return Optional.of(new ObjectInfo(head.contentLength(), etag, head.lastModified(), head.contentType()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("Could not look up " + key, e);
        } catch (SdkException e) {
            throw failure("Could not look up " + key, e);
        }
    }

    /**
     * The object's bytes from {@code first} to {@code last} (inclusive; null: to the end), streamed.
     *
     * @throws IOException when the object cannot be read
     */
    ResponseInputStream<GetObjectResponse> open(String key, long first, Long last) throws IOException {
        try {
            return client.getObject(get(key, first == 0 && last == null ? null
                    : "bytes=" + first + "-" + (last == null ? "" : last)).build());
        } catch (SdkException e) {
            throw new IOException(failure("Could not read " + key, e).getMessage(), e);
        }
    }

    /** A presigned {@code GET} of the key valid for {@code presigned-ttl}, when presigned downloads are on. */
    Optional<URI> presignedDownload(String key, String contentType, String contentDisposition) {
        if (!presignedDownloads) {
            return Optional.empty();
        }
        GetObjectRequest.Builder get = get(key, null).responseContentType(contentType);
        if (contentDisposition != null) {
            get.responseContentDisposition(contentDisposition);
        }
        try {
            return Optional.of(presigner.presignGetObject(request -> request.signatureDuration(settings.presignedTtl())
                    .getObjectRequest(get.build())).url().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("The SDK made an invalid presigned URL", e);
        }
    }

    /**
     * A presigned {@code PUT} of the key, valid for {@code presigned-ttl}, with {@code Content-Type},
     * {@code Content-Length} and {@code Content-MD5} among its signed headers (the SDK's presigner
     * signs every header the request sets), so the bucket refuses a {@code PUT} with other values.
     */
    DirectUploads.PresignedUpload presignedUpload(String key, String contentType, long size, byte[] md5) {
        PutObjectRequest put = PutObjectRequest.builder().bucket(settings.bucket()).key(object(key))
                .contentType(contentType).contentLength(size).contentMD5(Base64.getEncoder().encodeToString(md5)).build();
        PresignedPutObjectRequest presigned = presigner.presignPutObject(request -> request
                .signatureDuration(settings.presignedTtl()).putObjectRequest(put));
        Map<String, String> headers = new LinkedHashMap<>();
        presigned.signedHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
                headers.put(name, String.join(",", values));
            }
        });
        try {
            return new DirectUploads.PresignedUpload(presigned.url().toURI(), headers, presigned.expiration());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("The SDK made an invalid presigned URL", e);
        }
    }

    /** Copies an object inside the bucket ({@code CopyObject}), keeping its content type. */
    void copy(String from, String to) {
        try {
            client.copyObject(request -> request.sourceBucket(settings.bucket()).sourceKey(object(from))
                    .destinationBucket(settings.bucket()).destinationKey(object(to)));
        } catch (SdkException e) {
            throw failure("Could not copy " + from + " to " + to, e);
        }
    }

    /** Turns presigned downloads on or off from now on (tests try both with one server). */
    void presignedDownloads(boolean on) {
        presignedDownloads = on;
    }

    /** Where this store keeps its objects, for messages. */
    String describe() {
        return settings.describe();
    }

    @Override
    public void close() {
        client.close();
        presigner.close();
    }

    private GetObjectRequest.Builder get(String key, String range) {
        return GetObjectRequest.builder().bucket(settings.bucket()).key(object(key)).range(range);
    }

    private String object(String key) {
        if (!LocalFolderImageStore.validKey(key)) {
            throw new IllegalArgumentException("Bad storage key " + key);
        }
        return settings.prefix() + key;
    }

    private StorageException failure(String what, SdkException e) {
        return new StorageException(what + " in S3 " + settings.describe() + ": " + cause(e), e);
    }

    /** The cause in words: the HTTP status and S3 error code, or the client-side failure. */
    static String cause(SdkException e) {
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            String hint = switch (s3.statusCode()) {
                case 403 -> " (access denied: check the credentials and the bucket's permissions)";
                case 404 -> " (no such bucket)";
                case 301 -> " (the bucket is in another region: check text2image.storage.s3.region)";
                default -> "";
            };
            return "HTTP " + s3.statusCode() + (code == null ? "" : " " + code) + hint;
        }
        if (e instanceof SdkClientException) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return e.getMessage() + (root != e ? " (" + root + ")" : "");
        }
        return e.getMessage();
    }

    /** An object's size in bytes, its {@code ETag} without quotes, when it was written, and its {@code Content-Type} (or null). */
    record ObjectInfo(long size, String etag, Instant lastModified, String contentType) {
    }
}
