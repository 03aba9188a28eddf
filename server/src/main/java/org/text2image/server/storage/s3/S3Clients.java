package org.text2image.server.storage.s3;

import java.time.Duration;
import java.util.List;
import org.text2image.server.storage.StorageProperties;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Builds the S3 client and presigner of {@code text2image.storage.s3.*}: the JDK's HTTP connection
 * (no Netty), 5 s to connect, 30 s between bytes; the SDK's default credential chain unless an
 * explicit key pair is set. Checksums are sent and checked only where S3 requires them (the SDK's
 * {@code WHEN_REQUIRED}), since S3-compatible services (MinIO, R2, B2) do not all accept the newer
 * flexible-checksum headers; uploads of the migration carry a {@code Content-MD5} instead.
 */
public final class S3Clients {

    private S3Clients() {
    }

    /** A store on the bucket of {@code settings}, which must be valid ({@link StorageProperties.S3#requireValid}). */
    public static S3ImageStore store(StorageProperties.S3 settings) {
        return store(settings, List.of());
    }

    /**
     * A store whose client also runs {@code interceptors} on each request (tests count requests with them).
     */
    public static S3ImageStore store(StorageProperties.S3 settings, List<ExecutionInterceptor> interceptors) {
        settings.requireValid();
        return new S3ImageStore(client(settings, interceptors), presigner(settings), settings);
    }

    static S3Client client(StorageProperties.S3 settings, List<ExecutionInterceptor> interceptors) {
        var builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(30)))
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials(settings))
                .forcePathStyle(settings.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(config -> interceptors.forEach(config::addExecutionInterceptor));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder.build();
    }

    static S3Presigner presigner(StorageProperties.S3 settings) {
        var builder = S3Presigner.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials(settings))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build());
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(StorageProperties.S3 settings) {
        return settings.accessKey() != null
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()))
                : DefaultCredentialsProvider.builder().build();
    }
}
