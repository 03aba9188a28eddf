package org.text2image.server.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.text2image.server.storage.StorageProperties;

@ExtendWith(OutputCaptureExtension.class)
class S3StorageConfigurationTest {

    @Test
    void anUnreachableEndpointAtStartUpIsLoggedAsAnErrorNamingItAndTheServerGoesOn(CapturedOutput output) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        StorageProperties properties = new StorageProperties(Path.of("data/images"), StorageProperties.Type.S3,
                new StorageProperties.S3("images", null, null, URI.create("http://127.0.0.1:" + closedPort), true,
                        "key", "secret", false, null), null);

        try (S3ImageStore store = new S3StorageConfiguration().s3ImageStore(properties)) {
            assertThat(store.check().up()).isFalse();
        }

        assertThat(output.getOut()).contains("ERROR").contains("Image storage is not usable: S3 bucket 'images' at http://127.0.0.1:" + closedPort)
                .containsIgnoringCase("connect").contains("The server starts");
    }

    @Test
    void aReachableBucketAtStartUpIsLoggedOnce(CapturedOutput output) {
        S3TestServer s3 = S3TestServer.get();
        s3.bucket("config-test");
        StorageProperties properties = new StorageProperties(null, StorageProperties.Type.S3, s3.settings("config-test", false), null);

        try (S3ImageStore store = new S3StorageConfiguration().s3ImageStore(properties)) {
            assertThat(store.check().up()).isTrue();
        }

        assertThat(output.getOut()).contains("Images are stored in S3 bucket 'config-test'").doesNotContain("ERROR");
    }
}
