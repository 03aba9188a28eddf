package org.text2image.server.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.text2image.server.storage.LocalFolderImageStore;
import org.text2image.server.storage.StorageException;

/**
 * Copies every file of the local image folder (images and thumbnails; the key is the path relative
 * to the folder, {@code /}-separated) to the S3 store, under the same keys.
 *
 * <p>Resumable: an object that already exists with the file's size and MD5 (its {@code ETag}, or its
 * bytes re-read when the service's {@code ETag} is not an MD5) is skipped, so a run interrupted at
 * any point and started again copies only what is missing or different and loses nothing. Each copy
 * is sent with {@code Content-MD5} (the service refuses changed bytes) and verified afterwards the
 * same way. A dry run reads the folder and asks S3 what exists, and writes nothing. Files whose names
 * start with {@code .} (unfinished writes of the local store) are left out.
 */
public final class LocalToS3Migration {

    private final Path folder;
    private final S3ImageStore target;
    private final IntConsumer afterCopy;

    /** A migration from {@code folder} to {@code target}. */
    public LocalToS3Migration(Path folder, S3ImageStore target) {
        this(folder, target, copied -> { });
    }

    /**
     * A migration that calls {@code afterCopy} with the number of objects copied so far after each copy
     * (tests interrupt a run by throwing from it).
     */
    LocalToS3Migration(Path folder, S3ImageStore target, IntConsumer afterCopy) {
        this.folder = folder.toAbsolutePath().normalize();
        this.target = target;
        this.afterCopy = afterCopy;
    }

    /**
     * Runs it.
     *
     * @param copy false for a dry run: nothing is written, {@link Report#copied} counts what a copy would copy
     * @param out where each failure is printed as it happens
     * @return the counts and the failures
     * @throws StorageException when the local folder cannot be listed
     */
    public Report run(boolean copy, PrintStream out) {
        List<Path> files = files();
        long bytes = 0;
        int copied = 0;
        int skipped = 0;
        List<String> failures = new ArrayList<>();
        for (Path file : files) {
            String key = folder.relativize(file).toString().replace('\\', '/');
            try {
                long size = Files.size(file);
                bytes += size;
                if (!LocalFolderImageStore.validKey(key)) {
                    throw new IllegalArgumentException("not a storage key (letters, digits, - _ . / only)");
                }
                byte[] md5 = Checksums.md5(file);
                if (same(key, size, md5)) {
                    skipped++;
                    continue;
                }
                if (copy) {
                    target.putFile(key, file, md5);
                    if (!same(key, size, md5)) {
                        throw new IllegalStateException("the stored object differs from the file after the upload");
                    }
                    afterCopy.accept(copied + 1);
                }
                copied++;
            } catch (IOException | RuntimeException e) {
                if (e instanceof Interrupted interrupted) {
                    throw interrupted;
                }
                failures.add(key + ": " + e.getMessage());
                out.println("FAILED " + key + ": " + e.getMessage());
            }
        }
        return new Report(copy, files.size(), bytes, copied, skipped, failures);
    }

    /** Whether the object under {@code key} has the file's size and MD5. */
    private boolean same(String key, long size, byte[] md5) throws IOException {
        Optional<S3ImageStore.ObjectInfo> info = target.stat(key);
        if (info.isEmpty() || info.get().size() != size) {
            return false;
        }
        String etag = info.get().etag();
        if (etag.matches("[0-9a-fA-F]{32}")) {
            return etag.equalsIgnoreCase(Checksums.hex(md5));
        }
        try (InputStream in = target.open(key, 0, null)) { // a multipart or encrypted object: compare the bytes' MD5
            return Checksums.hex(Checksums.md5(in)).equals(Checksums.hex(md5));
        }
    }

    private List<Path> files() {
        if (!Files.isDirectory(folder)) {
            throw new StorageException("The local image folder " + folder + " does not exist (text2image.storage.local-folder)", null);
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).filter(file -> !file.getFileName().toString().startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new StorageException("Could not list the local image folder " + folder, e);
        }
    }

    /** Thrown by a test's {@code afterCopy} to stop a run as a kill would: it is not counted as a failure. */
    static final class Interrupted extends RuntimeException {
        Interrupted() {
            super("interrupted by a test");
        }
    }

    /**
     * What a run did.
     *
     * @param copy whether it copied (false: a dry run)
     * @param files files found in the local folder
     * @param bytes their total size
     * @param copied objects copied and verified (dry run: objects that a copy would copy)
     * @param skipped objects already in S3 with the same size and MD5
     * @param failures one line per file that failed: key and reason
     */
    public record Report(boolean copy, int files, long bytes, int copied, int skipped, List<String> failures) {

        /** 0 when nothing failed, 1 otherwise (the process's exit status). */
        public int exitCode() {
            return failures.isEmpty() ? 0 : 1;
        }

        /** The summary table, one line per figure. */
        public String table() {
            return String.format("""
                    Local folder to S3 (%s)
                      files    %10d
                      bytes    %10d
                      %-8s %10d
                      skipped  %10d
                      failed   %10d
                    %s""", copy ? "copy" : "dry run: nothing was written", files, bytes,
                    copy ? "copied" : "to copy", copied, skipped, failures.size(),
                    !failures.isEmpty() ? "Some files failed (listed above); run it again after fixing the cause."
                            : copy ? "Every file is in S3 and verified; set text2image.storage.type=s3 to switch."
                            : "Run with --text2image.storage.migrate=copy to copy.");
        }
    }
}
