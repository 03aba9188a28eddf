package org.text2image.server.support;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a data folder's {@value #FILE} file, held by the server that uses the
 * folder. The operating system releases it when that process ends, however it ends, so a folder
 * whose lock can be taken has no running server, only perhaps the PostgreSQL a killed one left.
 * Zonky's {@code EmbeddedPostgres} locks the same file.
 */
final class DataFolderLock implements AutoCloseable {

    static final String FILE = "epg-lock";

    private final FileChannel channel;

    private DataFolderLock(FileChannel channel) {
        this.channel = channel;
    }

    /** @throws IllegalStateException when another process (or another server in this one) holds it */
    static DataFolderLock acquire(Path dataDir) throws IOException {
        FileChannel channel = FileChannel.open(dataDir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("The embedded PostgreSQL data folder " + dataDir
                    + " is in use by another running server (it holds " + FILE + ")");
        }
        return new DataFolderLock(channel);
    }

    /** Releases the lock. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
