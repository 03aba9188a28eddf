package org.text2image.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFolderImageStoreTest {

    @TempDir Path folder;

    @Test
    void storesAFileUnderItsKeyAndServesItAsAFile() throws Exception {
        LocalFolderImageStore store = new LocalFolderImageStore(folder.resolve("images"));

        store.put("thumbs/a.jpg", new byte[] {1, 2, 3});

        assertThat(folder.resolve("images/thumbs/a.jpg")).hasBinaryContent(new byte[] {1, 2, 3});
        assertThat(store.resource("thumbs/a.jpg")).hasValueSatisfying(resource -> assertThat(resource.isFile()).isTrue());
        assertThatThrownBy(() -> store.put("../a.jpg", new byte[] {1})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void storesAFileFromDiskUnderItsKeyLeavingTheFileAndNoTemporaryFileBehind() throws Exception {
        LocalFolderImageStore store = new LocalFolderImageStore(folder.resolve("images"));
        byte[] video = new byte[300_000];
        new java.util.Random(3).nextBytes(video);
        Path upload = Files.write(folder.resolve("upload.mp4"), video);

        store.put("jobs/j/v", upload);

        assertThat(folder.resolve("images/jobs/j/v")).hasBinaryContent(video);
        assertThat(upload).hasBinaryContent(video);
        try (var files = Files.list(folder.resolve("images/jobs/j"))) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactly("v");
        }
        assertThatThrownBy(() -> store.put("../v", upload)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void checkIsUpForAFolderThatIsOrCanBeMadeAndDownForAFile() throws Exception {
        assertThat(new LocalFolderImageStore(folder).check().up()).isTrue();
        assertThat(new LocalFolderImageStore(folder.resolve("not/yet/made")).check().up()).isTrue();

        Path file = Files.write(folder.resolve("a-file"), new byte[] {1});
        StorageHealth health = new LocalFolderImageStore(file.resolve("images")).check();

        assertThat(health.up()).isFalse();
        assertThat(health.detail()).contains(file.resolve("images").toString()).contains("is not a folder");
    }

    @Test
    void aKeyIsLettersDigitsAndSafePunctuationOnly() {
        assertThat(LocalFolderImageStore.validKey("images/2026/a-b_c.png")).isTrue();
        assertThat(LocalFolderImageStore.validKey("../etc/passwd")).isFalse();
        assertThat(LocalFolderImageStore.validKey("/abs.png")).isFalse();
        assertThat(LocalFolderImageStore.validKey("a b.png")).isFalse();
    }
}
