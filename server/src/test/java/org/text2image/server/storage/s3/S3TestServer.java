package org.text2image.server.storage.s3;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.text2image.server.storage.StorageProperties;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * A real S3 API server on loopback for the tests: S3Proxy (its Jetty is shaded, so it runs beside
 * the server's Tomcat and the tests' Jetty) on jclouds' in-memory {@code transient} store, with
 * SigV4 authentication. One per JVM, started on first use; buckets are made per test.
 */
public final class S3TestServer {

    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key";

    private static S3TestServer instance;

    private final BlobStore blobs;
    private final URI endpoint;

    private S3TestServer() throws Exception {
        Properties properties = new Properties();
        blobs = ContextBuilder.newBuilder("transient").credentials("identity", "credential").overrides(properties)
                .build(BlobStoreContext.class).getBlobStore();
        S3Proxy proxy = S3Proxy.builder().blobStore(blobs)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .endpoint(URI.create("http://127.0.0.1:0")).build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.onSpinWait();
        }
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** The server, started on the first call. */
    public static synchronized S3TestServer get() {
        if (instance == null) {
            try {
                instance = new S3TestServer();
            } catch (Exception e) {
                throw new IllegalStateException("S3Proxy did not start", e);
            }
        }
        return instance;
    }

    /** Where it listens, e.g. {@code http://127.0.0.1:41234}. */
    public URI endpoint() {
        return endpoint;
    }

    /** Makes an empty bucket (or empties an existing one). */
    public void bucket(String name) {
        if (blobs.containerExists(name)) {
            blobs.clearContainer(name);
        } else {
            blobs.createContainerInLocation(null, name);
        }
    }

    /** Settings for {@code bucket} on this server: path-style, the test key pair. */
    public StorageProperties.S3 settings(String bucket, boolean presigned) {
        return new StorageProperties.S3(bucket, "t2i", "us-east-1", endpoint, true, ACCESS_KEY, SECRET_KEY,
                presigned, Duration.ofMinutes(5));
    }

    /** Turns presigned downloads of {@code store} (an {@link S3ImageStore}) on or off. */
    public static void presignedDownloads(Object store, boolean on) {
        ((S3ImageStore) store).presignedDownloads(on);
    }

    /** Counts the requests of each operation ({@code PutObject}, {@code GetObject}...) a client makes. */
    public static final class Requests implements ExecutionInterceptor {

        private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            counts.computeIfAbsent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), name -> new AtomicInteger())
                    .incrementAndGet();
        }

        /** How many requests of {@code operation} were made. */
        public int count(String operation) {
            AtomicInteger count = counts.get(operation);
            return count == null ? 0 : count.get();
        }

        /** As a list for {@link S3Clients#store(StorageProperties.S3, List)}. */
        public List<ExecutionInterceptor> asList() {
            return List.of(this);
        }
    }
}
