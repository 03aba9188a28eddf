package org.text2image.server.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.text2image.server.storage.StorageMigration;

class LocalToS3MigrationTest {

    static final S3TestServer S3 = S3TestServer.get();

    @TempDir Path folder;
    final S3TestServer.Requests requests = new S3TestServer.Requests();
    final ByteArrayOutputStream output = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
    final Map<String, byte[]> files = new LinkedHashMap<>();
    S3ImageStore store;

    @BeforeEach
    void setUp() throws IOException {
        S3.bucket("migration-test");
        store = S3Clients.store(S3.settings("migration-test", false), requests.asList());
        Random random = new Random(11);
        for (int i = 0; i < 8; i++) {
            byte[] bytes = new byte[1000 + random.nextInt(100_000)];
            random.nextBytes(bytes);
            String key = (i % 2 == 0 ? "images/2026/12/" : "thumbs/") + "image-" + i + (i % 2 == 0 ? ".png" : ".jpg");
            files.put(key, bytes);
            Files.createDirectories(folder.resolve(key).getParent());
            Files.write(folder.resolve(key), bytes);
        }
        Files.write(folder.resolve("images/.upload-123.tmp"), new byte[] {1, 2, 3});
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void aCopyMakesEveryFileReadableFromS3WithTheSameChecksum() {
        LocalToS3Migration.Report report = new LocalToS3Migration(folder, store).run(true, out);

        assertThat(report.exitCode()).isZero();
        assertThat(report.files()).isEqualTo(8);
        assertThat(report.copied()).isEqualTo(8);
        assertThat(report.skipped()).isZero();
        assertThat(report.bytes()).isEqualTo(files.values().stream().mapToLong(bytes -> bytes.length).sum());
        files.forEach((key, bytes) -> assertThat(Checksums.hex(Checksums.md5(store.get(key).orElseThrow())))
                .as(key).isEqualTo(Checksums.hex(Checksums.md5(bytes))));
        assertThat(store.get("images/.upload-123.tmp")).as("unfinished local writes stay behind").isEmpty();
        assertThat(report.table()).contains("copied").contains("set text2image.storage.type=s3");
    }

    @Test
    void aSecondRunCopiesNothing() {
        new LocalToS3Migration(folder, store).run(true, out);
        int puts = requests.count("PutObject");

        LocalToS3Migration.Report again = new LocalToS3Migration(folder, store).run(true, out);

        assertThat(again.copied()).isZero();
        assertThat(again.skipped()).isEqualTo(8);
        assertThat(requests.count("PutObject")).isEqualTo(puts).isEqualTo(8);
    }

    @Test
    void aDryRunWritesNothingAndTellsWhatACopyWouldCopy() {
        store.put("thumbs/image-1.jpg", files.get("thumbs/image-1.jpg"));
        int puts = requests.count("PutObject");

        LocalToS3Migration.Report report = new LocalToS3Migration(folder, store).run(false, out);

        assertThat(requests.count("PutObject")).isEqualTo(puts);
        assertThat(report.copied()).isEqualTo(7);
        assertThat(report.skipped()).isEqualTo(1);
        assertThat(store.get("images/2026/12/image-0.png")).isEmpty();
        assertThat(report.table()).contains("dry run").contains("to copy");
    }

    @Test
    void anInterruptedRunResumedCopiesTheRestAndNothingTwice() {
        LocalToS3Migration interrupted = new LocalToS3Migration(folder, store, copied -> {
            if (copied == 3) {
                throw new LocalToS3Migration.Interrupted();
            }
        });
        assertThatThrownBy(() -> interrupted.run(true, out)).isInstanceOf(LocalToS3Migration.Interrupted.class);
        assertThat(requests.count("PutObject")).isEqualTo(3);

        LocalToS3Migration.Report resumed = new LocalToS3Migration(folder, store).run(true, out);

        assertThat(resumed.skipped()).isEqualTo(3);
        assertThat(resumed.copied()).isEqualTo(5);
        assertThat(requests.count("PutObject")).as("each file was put once").isEqualTo(8);
        files.forEach((key, bytes) -> assertThat(store.get(key)).as(key).hasValueSatisfying(read -> assertThat(read).isEqualTo(bytes)));
    }

    @Test
    void anObjectThatDiffersFromTheFileIsCopiedAgain() {
        store.put("images/2026/12/image-0.png", new byte[] {9, 9, 9});
        byte[] sameSize = files.get("thumbs/image-1.jpg").clone();
        sameSize[0] ^= 1;
        store.put("thumbs/image-1.jpg", sameSize);

        LocalToS3Migration.Report report = new LocalToS3Migration(folder, store).run(true, out);

        assertThat(report.copied()).isEqualTo(8);
        assertThat(store.get("images/2026/12/image-0.png")).hasValueSatisfying(read -> assertThat(read).isEqualTo(files.get("images/2026/12/image-0.png")));
        assertThat(store.get("thumbs/image-1.jpg")).hasValueSatisfying(read -> assertThat(read).isEqualTo(files.get("thumbs/image-1.jpg")));
    }

    @Test
    void aFileThatIsNotAStorageKeyFailsTheRunAndTheOthersAreCopied() throws IOException {
        Files.write(folder.resolve("images/not a key.png"), new byte[] {1});

        LocalToS3Migration.Report report = new LocalToS3Migration(folder, store).run(true, out);

        assertThat(report.exitCode()).isEqualTo(1);
        assertThat(report.failures()).singleElement().asString().startsWith("images/not a key.png: not a storage key");
        assertThat(report.copied()).isEqualTo(8);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("FAILED images/not a key.png");
        assertThat(report.table()).contains("Some files failed");
    }

    @Test
    void theCommandCopiesWithoutAServerAndEndsWithItsStatus() {
        String[] args = {"--text2image.storage.migrate=copy", "--text2image.storage.local-folder=" + folder,
                "--text2image.storage.s3.bucket=migration-test", "--text2image.storage.s3.prefix=t2i",
                "--text2image.storage.s3.endpoint=" + S3.endpoint(), "--text2image.storage.s3.path-style=true",
                "--text2image.storage.s3.access-key=" + S3TestServer.ACCESS_KEY,
                "--text2image.storage.s3.secret-key=" + S3TestServer.SECRET_KEY};

        assertThat(StorageMigration.requested(args)).isTrue();
        assertThat(StorageMigration.run(args)).isZero();
        files.forEach((key, bytes) -> assertThat(store.get(key)).as(key).isPresent());
        assertThat(StorageMigration.requested(new String[] {"--server.port=0"})).isFalse();
    }

    @Test
    void theCommandWithoutABucketEndsWithAConfigurationError() {
        assertThat(StorageMigration.run(new String[] {"--text2image.storage.migrate=dry-run",
                "--text2image.storage.local-folder=" + folder})).isEqualTo(2);
    }
}
