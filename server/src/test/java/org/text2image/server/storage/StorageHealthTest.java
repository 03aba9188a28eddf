package org.text2image.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.core.io.Resource;

/** The readiness probe's {@code storage} check (docs/OPERATIONS.md), from the store's own {@link ImageStore#check()}. */
class StorageHealthTest {

    @TempDir Path temp;

    @Test
    void aWritableFolderIsUp() {
        LocalFolderImageStore store = new LocalFolderImageStore(temp.resolve("images"));
        assertThat(new StorageHealthIndicator(store).health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void aFolderThatCannotBeMadeIsDownWithItsReason() throws IOException {
        Path file = Files.writeString(temp.resolve("not-a-folder"), "x");
        LocalFolderImageStore store = new LocalFolderImageStore(file.resolve("images"));
        Health health = new StorageHealthIndicator(store).health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails().get("error").toString()).contains("not a folder");
    }

    @Test
    void aStoreThatCannotTellIsAssumedUsable() {
        ImageStore silent = new ImageStore() {
            @Override public void put(String key, byte[] bytes) { }
            @Override public void put(String key, Path file) { }
            @Override public Optional<byte[]> get(String key) { return Optional.empty(); }
            @Override public Optional<Resource> resource(String key) { return Optional.empty(); }
            @Override public void delete(String key) { }
        };
        assertThat(new StorageHealthIndicator(silent).health().getStatus()).isEqualTo(Status.UP);
    }
}
