package org.text2image.server.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.io.Resource;
import org.text2image.server.storage.RemoteImageResource;
import org.text2image.server.storage.StorageException;
import org.text2image.server.storage.StorageHealth;
import org.text2image.server.storage.StorageProperties;

class S3ImageStoreTest {

    static final S3TestServer S3 = S3TestServer.get();

    final S3TestServer.Requests requests = new S3TestServer.Requests();
    S3ImageStore store;
    byte[] bytes;

    @BeforeEach
    void setUp() {
        S3.bucket("store-test");
        store = S3Clients.store(S3.settings("store-test", true), requests.asList());
        bytes = new byte[200_000];
        new Random(7).nextBytes(bytes);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void storesAFileStreamedFromDiskWithItsMd5AndReadsItBackByRange(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path upload = java.nio.file.Files.write(dir.resolve("video.mp4"), bytes);

        store.put("jobs/j/v", upload);

        assertThat(store.stat("jobs/j/v")).hasValueSatisfying(info -> {
            assertThat(info.size()).isEqualTo(bytes.length);
            assertThat(info.etag()).isEqualTo(Checksums.hex(Checksums.md5(bytes)));
        });
        Resource resource = store.resource("jobs/j/v").orElseThrow();
        try (InputStream in = ((RemoteImageResource) resource).openRange(1000, 1999)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(bytes, 1000, 2000));
        }
    }

    @Test
    void storesReadsAndDeletesBytesUnderAKey() {
        store.put("images/a/b.png", bytes);

        assertThat(store.get("images/a/b.png")).hasValueSatisfying(read -> assertThat(read).isEqualTo(bytes));
        assertThat(store.stat("images/a/b.png")).hasValueSatisfying(info -> {
            assertThat(info.size()).isEqualTo(bytes.length);
            assertThat(info.etag()).isEqualTo(Checksums.hex(Checksums.md5(bytes)));
        });
        store.delete("images/a/b.png");
        assertThat(store.get("images/a/b.png")).isEmpty();
        assertThat(store.resource("images/a/b.png")).isEmpty();
        store.delete("images/a/b.png");
    }

    @Test
    void keysGoUnderThePrefix() {
        store.put("thumbs/x.jpg", bytes);

        S3ImageStore noPrefix = S3Clients.store(new StorageProperties.S3("store-test", null, null, S3.endpoint(), true,
                S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY, false, null));
        assertThat(noPrefix.get("t2i/thumbs/x.jpg")).isPresent();
        assertThat(noPrefix.get("thumbs/x.jpg")).isEmpty();
        noPrefix.close();
    }

    @Test
    void refusesAKeyThatCouldLeaveItsPlace() {
        assertThatThrownBy(() -> store.put("../x.png", bytes)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.get("/x.png")).isInstanceOf(IllegalArgumentException.class);
        assertThat(requests.count("PutObject")).isZero();
    }

    @Test
    void aResourceKnowsItsSizeWithoutReadingAndStreamsTheBytes() throws Exception {
        store.put("images/r.png", bytes);

        Resource resource = store.resource("images/r.png").orElseThrow();
        assertThat(resource.contentLength()).isEqualTo(bytes.length);
        assertThat(resource.isFile()).isFalse();
        assertThat(requests.count("GetObject")).isZero();
        try (InputStream in = resource.getInputStream()) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
        assertThat(requests.count("GetObject")).isEqualTo(1);
    }

    @Test
    void aRangeIsFetchedByItself() throws Exception {
        store.put("images/r.png", bytes);
        RemoteImageResource resource = (RemoteImageResource) store.resource("images/r.png").orElseThrow();

        try (InputStream in = resource.openRange(1000, 1999)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(bytes, 1000, 2000));
        }
        try (InputStream in = resource.openRange(bytes.length - 1, bytes.length - 1)) {
            assertThat(in.readAllBytes()).containsExactly(bytes[bytes.length - 1]);
        }
        assertThatThrownBy(() -> resource.openRange(0, bytes.length)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void skippingBeforeTheFirstReadFetchesFromThere() throws Exception {
        store.put("images/r.png", bytes);
        Resource resource = store.resource("images/r.png").orElseThrow();

        try (InputStream in = resource.getInputStream()) {
            assertThat(in.skip(150_000)).isEqualTo(150_000);
            assertThat(in.readNBytes(10)).isEqualTo(Arrays.copyOfRange(bytes, 150_000, 150_010));
        }
        try (InputStream in = resource.getInputStream()) {
            assertThat(in.skip(500_000)).isEqualTo(bytes.length);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void aPresignedUrlServesTheBytesWithTheAskedHeaders() throws Exception {
        store.put("images/p.png", bytes);
        RemoteImageResource resource = (RemoteImageResource) store.resource("images/p.png").orElseThrow();

        URI url = resource.presignedDownload("image/png", "attachment; filename=\"p.png\"").orElseThrow();
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(bytes);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(response.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"p.png\"");
        assertThat(url.getQuery()).contains("X-Amz-Expires=300");
    }

    @Test
    void noPresignedUrlUnlessPresignedDownloadsAreOn() {
        S3ImageStore streaming = S3Clients.store(S3.settings("store-test", false));
        streaming.put("images/p.png", bytes);

        assertThat(((RemoteImageResource) streaming.resource("images/p.png").orElseThrow())
                .presignedDownload("image/png", null)).isEmpty();
        streaming.close();
    }

    @Test
    void checkIsUpForAReachableBucket() {
        StorageHealth health = store.check();

        assertThat(health.up()).isTrue();
        assertThat(health.detail()).contains("store-test").contains(S3.endpoint().toString());
    }

    @Test
    void checkIsDownWithTheEndpointAndCauseForAnUnreachableEndpoint() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort);
        S3ImageStore unreachable = S3Clients.store(new StorageProperties.S3("store-test", null, null, nowhere, true,
                S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY, false, null));

        StorageHealth health = unreachable.check();

        assertThat(health.up()).isFalse();
        assertThat(health.detail()).contains("bucket 'store-test' at " + nowhere).containsIgnoringCase("connect");
        assertThatThrownBy(() -> unreachable.put("images/x.png", bytes)).isInstanceOf(StorageException.class)
                .hasMessageContaining("bucket 'store-test' at " + nowhere);
        unreachable.close();
    }

    @Test
    void wrongCredentialsAreReportedAsSuch() {
        S3ImageStore wrong = S3Clients.store(new StorageProperties.S3("store-test", null, null, S3.endpoint(), true,
                S3TestServer.ACCESS_KEY, "not-the-secret", false, null));

        assertThat(wrong.check().up()).isFalse();
        assertThat(wrong.check().detail()).contains("HTTP 403").contains("check the credentials");
        assertThatThrownBy(() -> wrong.put("images/x.png", bytes)).isInstanceOf(StorageException.class)
                .hasMessageContaining("HTTP 403");
        wrong.close();
    }

    @Test
    void checkIsDownForAMissingBucket() {
        S3ImageStore missing = S3Clients.store(S3.settings("no-such-bucket", false));

        assertThat(missing.check().up()).isFalse();
        assertThat(missing.check().detail()).contains("no-such-bucket").contains("HTTP 404");
        missing.close();
    }

    @Test
    void anS3StoreWithoutABucketIsRefusedNamingTheProperty() {
        var source = new MapConfigurationPropertySource(java.util.Map.of("text2image.storage.type", "s3",
                "text2image.storage.s3.endpoint", "http://minio:9000"));

        assertThatThrownBy(() -> new Binder(source).bind("text2image.storage", StorageProperties.class))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("text2image.storage.s3.bucket must be set");
    }

    @Test
    void halfAKeyPairOrABadTtlIsRefusedNamingTheProperty() {
        assertThatThrownBy(() -> new StorageProperties.S3("b", null, null, null, false, "key", null, false, null).requireValid())
                .hasMessageContaining("text2image.storage.s3.access-key and text2image.storage.s3.secret-key");
        assertThatThrownBy(() -> new StorageProperties.S3("b", null, null, null, false, null, null, true,
                Duration.ofDays(8)).requireValid()).hasMessageContaining("text2image.storage.s3.presigned-ttl");
        assertThatThrownBy(() -> new StorageProperties.S3("b", null, null, URI.create("minio:9000"), false, null, null,
                false, null).requireValid()).hasMessageContaining("text2image.storage.s3.endpoint");
    }

    @Test
    void aLocalStoreNeedsNoBucket() {
        var source = new MapConfigurationPropertySource(java.util.Map.of("text2image.storage.local-folder", "/tmp/x"));

        StorageProperties properties = new Binder(source).bind("text2image.storage", StorageProperties.class).get();

        assertThat(properties.type()).isEqualTo(StorageProperties.Type.LOCAL);
        assertThat(properties.localFolder()).isEqualTo(Path.of("/tmp/x"));
        assertThat(properties.migrate()).isEqualTo(StorageProperties.Migrate.NONE);
    }

    @Test
    void emptySettingsFromTheEnvironmentMeanNone() {
        var source = new MapConfigurationPropertySource(java.util.Map.of("text2image.storage.type", "s3",
                "text2image.storage.s3.bucket", "images", "text2image.storage.s3.endpoint", "",
                "text2image.storage.s3.access-key", "", "text2image.storage.s3.secret-key", "",
                "text2image.storage.migrate", "dry-run"));

        StorageProperties properties = new Binder(source).bind("text2image.storage", StorageProperties.class).get();

        assertThat(properties.s3().endpoint()).isNull();
        assertThat(properties.s3().accessKey()).isNull();
        assertThat(properties.s3().region()).isEqualTo("us-east-1");
        assertThat(properties.s3().presignedTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(properties.migrate()).isEqualTo(StorageProperties.Migrate.DRY_RUN);
    }
}
