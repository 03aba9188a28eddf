package org.text2image.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Status;

/** The readiness probe's {@code storage} check on the local folder (docs/OPERATIONS.md). */
class StorageHealthTest {

    @TempDir Path temp;

    @Test
    void aWritableFolderIsUpAndLeavesNoProbeFileBehind() throws IOException {
        LocalFolderImageStore store = new LocalFolderImageStore(new StorageProperties(temp.resolve("images")));
        assertThat(new StorageHealthIndicator(store).health().getStatus()).isEqualTo(Status.UP);
        try (var files = Files.list(temp.resolve("images"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aFolderThatCannotBeMadeIsDownWithItsReason() throws IOException {
        Path file = Files.writeString(temp.resolve("not-a-folder"), "x");
        LocalFolderImageStore store = new LocalFolderImageStore(new StorageProperties(file.resolve("images")));
        assertThatThrownBy(store::check).isInstanceOf(StorageException.class).hasMessageContaining("not writable");
        assertThat(new StorageHealthIndicator(store).health().getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void aStoreThatCannotTellIsAssumedUsable() {
        ImageStore silent = new ImageStore() {
            @Override public void put(String key, byte[] bytes) { }
            @Override public java.util.Optional<byte[]> get(String key) { return java.util.Optional.empty(); }
            @Override public java.util.Optional<org.springframework.core.io.Resource> resource(String key) {
                return java.util.Optional.empty();
            }
            @Override public void delete(String key) { }
        };
        assertThat(new StorageHealthIndicator(silent).health().getStatus()).isEqualTo(Status.UP);
    }
}
