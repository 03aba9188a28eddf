package org.text2image.server.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL left running on a data folder by a server that was killed ({@code kill -9}, the
 * OOM killer): the postmaster is the server's child process, a child outlives a JVM that no
 * shutdown hook ran in, and a new start on the folder would fail with
 * {@code lock file "postmaster.pid" already exists}.
 *
 * <p>Called while holding the folder's {@link DataFolderLock}, so no running server owns the
 * folder. The folder's {@code postmaster.pid} (PostgreSQL's lock file; its first line is
 * the postmaster's PID) decides:
 * <ul>
 *   <li>no file, or its PID is not running: nothing to do (PostgreSQL replaces a stale file);</li>
 *   <li>the PID runs a {@code postgres} whose command line has {@code -D} this folder: it is
 *       stopped with {@code pg_ctl stop -m fast} and waited for;</li>
 *   <li>the PID runs another program, or a {@code postgres} of another folder (the PID was reused
 *       after the postmaster died): that process is left alone and the stale file removed;</li>
 *   <li>the command line cannot be read, or is a {@code postgres} without {@code -D}: start-up
 *       stops with a message, as nothing can be ruled out.</li>
 * </ul>
 * The command line is read from {@code /proc/<pid>/cmdline} (Linux), else from {@link ProcessHandle.Info}.
 */
final class OrphanedPostmaster {

    private static final Logger log = LoggerFactory.getLogger(OrphanedPostmaster.class);

    private OrphanedPostmaster() {
    }

    /** Stops the PostgreSQL a killed server left on {@code dataDir}, as described above. */
    static void stopIfRunning(Path dataDir, PostgresCommands commands) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        Optional<ProcessHandle> process = pid(pidFile).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return;
        }
        Optional<Path> served = servedDataDir(process.get(), pidFile);
        if (served.isPresent() && sameFile(served.get(), dataDir)) {
            stop(process.get(), dataDir, commands);
        } else if (process.get().isAlive()) {
            log.info("{} is stale: its PID {} now belongs to a process that is not a PostgreSQL of this folder,"
                    + " which is left alone", pidFile, process.get().pid());
            Files.deleteIfExists(pidFile);
        }
    }

    /**
     * The data folder of {@code process} when it is a PostgreSQL; empty when it is another program
     * (or has just exited).
     *
     * @throws IllegalStateException when it cannot be told
     */
    private static Optional<Path> servedDataDir(ProcessHandle process, Path pidFile) {
        Optional<List<String>> commandLine = commandLine(process);
        if (commandLine.isEmpty() && process.isAlive()) {
            throw new IllegalStateException(pidFile + " names PID " + process.pid() + ", whose command line cannot be"
                    + " read: stop that PostgreSQL, or delete the file if the PID is not a PostgreSQL of this folder");
        }
        if (commandLine.isEmpty() || !isPostgres(commandLine.get())) {
            return Optional.empty();
        }
        Optional<Path> served = dataDirOf(commandLine.get(), process);
        if (served.isEmpty()) {
            throw new IllegalStateException(pidFile + " names PID " + process.pid() + ", a PostgreSQL whose data"
                    + " folder cannot be told from its command line: stop it if it runs on this folder");
        }
        return served;
    }

    private static void stop(ProcessHandle postmaster, Path dataDir, PostgresCommands commands) throws IOException {
        log.warn("Stopping the PostgreSQL (PID {}) that a server which did not stop cleanly left running on {}",
                postmaster.pid(), dataDir);
        commands.run("pg_ctl", EmbeddedPostgresServer.stopArgs(dataDir, "fast", EmbeddedPostgresServer.STOP_TIMEOUT),
                EmbeddedPostgresServer.STOP_TIMEOUT.plusSeconds(5));
        try {
            postmaster.onExit().get(EmbeddedPostgresServer.STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for PID " + postmaster.pid() + " to exit", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("PostgreSQL PID " + postmaster.pid() + " on " + dataDir + " did not exit", e);
        }
        log.info("The left-over PostgreSQL (PID {}) stopped cleanly", postmaster.pid());
    }

    /** The first line of {@code postmaster.pid}, when the file exists and it is a number. */
    private static Optional<Long> pid(Path pidFile) throws IOException {
        try {
            String first = Files.readAllLines(pidFile, StandardCharsets.UTF_8).stream().findFirst().orElse("").trim();
            return first.matches("\\d{1,10}") ? Optional.of(Long.parseLong(first)) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static Optional<List<String>> commandLine(ProcessHandle process) {
        Path proc = Path.of("/proc", Long.toString(process.pid()), "cmdline");
        if (Files.isDirectory(Path.of("/proc/self"))) {
            try {
                String raw = Files.readString(proc, StandardCharsets.UTF_8);
                List<String> args = Arrays.stream(raw.split("\0")).toList();
                return args.isEmpty() || args.getFirst().isEmpty() ? Optional.empty() : Optional.of(args);
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        ProcessHandle.Info info = process.info();
        return info.command().map(command -> {
            List<String> args = new ArrayList<>(List.of(command));
            args.addAll(List.of(info.arguments().orElse(new String[0])));
            return args;
        });
    }

    private static boolean isPostgres(List<String> commandLine) {
        String program = Path.of(commandLine.getFirst()).getFileName().toString();
        return program.equals("postgres") || program.equals("postmaster");
    }

    /** The command line's {@code -D} folder (a relative one taken from the process's working folder); empty when unknown. */
    private static Optional<Path> dataDirOf(List<String> commandLine, ProcessHandle process) {
        int flag = commandLine.indexOf("-D");
        if (flag < 0 || flag + 1 >= commandLine.size()) {
            return Optional.empty();
        }
        Path served = Path.of(commandLine.get(flag + 1));
        if (served.isAbsolute()) {
            return Optional.of(served);
        }
        try {
            return Optional.of(Path.of("/proc", Long.toString(process.pid()), "cwd").toRealPath().resolve(served));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean sameFile(Path served, Path dataDir) {
        try {
            return Files.isSameFile(served, dataDir);
        } catch (IOException e) { // that folder is gone, so it is not this one
            return false;
        }
    }
}
