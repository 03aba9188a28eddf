package org.text2image.server.storage;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * {@code text2image.storage.*}: where image bytes live. Checked when bound: an S3 store without a
 * bucket, or with half a key pair, stops the start with the property named.
 *
 * @param localFolder folder for image files (default {@code ./data/images}); the source of a migration to S3
 * @param type {@code local} (default) or {@code s3}
 * @param s3 the S3 bucket ({@code text2image.storage.s3.*}), used when {@code type} is {@code s3} and by the migration
 * @param migrate {@code dry-run} or {@code copy}: run the local-to-S3 migration instead of the server
 *                (see {@link StorageMigration}); {@code none} by default
 */
@ConfigurationProperties("text2image.storage")
public record StorageProperties(Path localFolder, Type type, S3 s3, Migrate migrate) {

    public StorageProperties {
        localFolder = localFolder == null ? Path.of("data/images") : localFolder;
        type = type == null ? Type.LOCAL : type;
        s3 = s3 == null ? new S3(null, null, null, null, false, null, null, false, null) : s3;
        migrate = migrate == null ? Migrate.NONE : migrate;
        if (type == Type.S3) {
            s3.requireValid();
        }
    }

    /** Which {@link ImageStore} the server uses. */
    public enum Type {
        /** Files in {@code local-folder}. */
        LOCAL,
        /** Objects in an S3-compatible bucket. */
        S3
    }

    /** What {@code text2image.storage.migrate} asks for. */
    public enum Migrate {
        /** Run the server (default). */
        NONE,
        /** Report what a copy would do, writing nothing. */
        DRY_RUN,
        /** Copy what is missing or different, verify each object, report. */
        COPY
    }

    /**
     * {@code text2image.storage.s3.*}: an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, Backblaze B2).
     *
     * @param bucket the bucket's name; required for {@code type: s3}
     * @param prefix put before every key, e.g. {@code text2image/} (default none); a missing trailing {@code /} is added
     * @param region the signing region (default {@code us-east-1}; R2 wants {@code auto})
     * @param endpoint the service's URL for an S3-compatible service, e.g. {@code http://minio:9000};
     *                 none (default) means AWS S3 of {@code region}
     * @param pathStyle whether to address the bucket as {@code endpoint/bucket/key} rather than
     *                  {@code bucket.endpoint/key} (MinIO needs {@code true}; default {@code false})
     * @param accessKey an explicit access key id for services without AWS's credential chain; none
     *                  (default, preferred) uses the SDK's default chain ({@code AWS_ACCESS_KEY_ID}/{@code
     *                  AWS_SECRET_ACCESS_KEY}, {@code ~/.aws/credentials}, instance roles)
     * @param secretKey the secret that goes with {@code accessKey}
     * @param presignedDownloads whether an authorised image request is answered with a redirect to a
     *                           short-lived presigned URL of the bucket instead of bytes streamed through the
     *                           server (default {@code false})
     * @param presignedTtl how long a presigned URL works (default 5 minutes; 1 second to 7 days, SigV4's limit)
     * @param directWorkerUpload whether workers may upload result images straight to the bucket through
     *                           presigned {@code PUT} URLs ({@link DirectUploads}; default {@code false})
     */
    public record S3(String bucket, String prefix, String region, URI endpoint, boolean pathStyle,
                     String accessKey, String secretKey, boolean presignedDownloads, Duration presignedTtl,
                     boolean directWorkerUpload) {

        /** SigV4 presigned URLs work at most a week (AWS S3 docs, "Sharing objects with presigned URLs"). */
        static final Duration MAX_PRESIGNED_TTL = Duration.ofDays(7);

        /** As the canonical constructor, without direct worker upload. */
        public S3(String bucket, String prefix, String region, URI endpoint, boolean pathStyle,
                  String accessKey, String secretKey, boolean presignedDownloads, Duration presignedTtl) {
            this(bucket, prefix, region, endpoint, pathStyle, accessKey, secretKey, presignedDownloads, presignedTtl, false);
        }

        @ConstructorBinding
        public S3 {
            prefix = prefix == null || prefix.isBlank() ? "" : prefix.endsWith("/") ? prefix : prefix + "/";
            region = region == null || region.isBlank() ? "us-east-1" : region;
            endpoint = endpoint == null || endpoint.toString().isBlank() ? null : endpoint;
            accessKey = accessKey == null || accessKey.isBlank() ? null : accessKey;
            secretKey = secretKey == null || secretKey.isBlank() ? null : secretKey;
            presignedTtl = presignedTtl == null ? Duration.ofMinutes(5) : presignedTtl;
        }

        /**
         * Checks what an S3 store needs.
         *
         * @throws IllegalStateException naming the property that is missing or wrong
         */
        public void requireValid() {
            if (bucket == null || bucket.isBlank()) {
                throw new IllegalStateException(
                        "text2image.storage.s3.bucket must be set when images are stored in S3 (text2image.storage.type=s3 or a migration)");
            }
            if ((accessKey == null) != (secretKey == null)) {
                throw new IllegalStateException("text2image.storage.s3.access-key and text2image.storage.s3.secret-key "
                        + "must be set together (or neither, to use the AWS default credential chain)");
            }
            if (endpoint != null && (endpoint.getScheme() == null || endpoint.getHost() == null
                    || !endpoint.getScheme().matches("https?"))) {
                throw new IllegalStateException("text2image.storage.s3.endpoint must be an http(s) URL such as "
                        + "http://minio:9000, not " + endpoint);
            }
            if (presignedTtl.compareTo(Duration.ofSeconds(1)) < 0 || presignedTtl.compareTo(MAX_PRESIGNED_TTL) > 0) {
                throw new IllegalStateException("text2image.storage.s3.presigned-ttl must be between 1s and 7d, not " + presignedTtl);
            }
        }

        /** Where the bucket is, for messages: the endpoint (or AWS S3 and the region) and the bucket. */
        public String describe() {
            return "bucket '" + bucket + "' at " + (endpoint != null ? endpoint : "AWS S3 (" + region + ")");
        }
    }
}
