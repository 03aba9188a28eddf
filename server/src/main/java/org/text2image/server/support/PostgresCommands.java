package org.text2image.server.support;

import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the PostgreSQL programs of one binaries folder ({@code initdb}, {@code pg_ctl},
 * {@code postgres}) as child processes and logs their output at INFO, the server's until it exits.
 * Run as root they run as {@code unshare -U <program>}, as zonky's own start-up does: in a user
 * namespace, where they are not root (PostgreSQL refuses to run as root).
 */
final class PostgresCommands {

    private static final Logger log = LoggerFactory.getLogger(PostgresCommands.class);
    private static final int TAIL_LINES = 20;

    private final Path binDirectory;

    PostgresCommands(Path binDirectory) {
        this.binDirectory = binDirectory;
    }

    /** A started program: its process, the thread logging its output (ends with the output), and its last lines. */
    record Running(String program, Process process, Thread output, Deque<String> tail) {

        /** The last output lines, to explain a failure. */
        String lastLines() throws InterruptedException {
            output.join(Duration.ofSeconds(1));
            synchronized (tail) {
                return String.join("\n", tail);
            }
        }
    }

    /** Starts {@code program} with {@code args} and logs its output. */
    Running start(String program, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.add(binDirectory.resolve(program).toString());
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Deque<String> tail = new ArrayDeque<>();
        Thread output = Thread.ofPlatform().name(program + "-output").daemon(true)
                .start(() -> log(process.getInputStream(), tail));
        return new Running(program, process, output, tail);
    }

    /**
     * Runs {@code program} to its end.
     *
     * @throws IllegalStateException when it exits with a status other than 0 or runs past
     *     {@code timeout}, with its last output lines
     */
    void run(String program, List<String> args, Duration timeout) throws IOException {
        Running running = start(program, args);
        Process process = running.process();
        try {
            boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) {
                process.destroy();
            }
            if (!exited || process.exitValue() != 0) {
                throw new IllegalStateException(program + " " + String.join(" ", args)
                        + (exited ? " failed with status " + process.exitValue() : " did not finish in " + timeout)
                        + ":\n" + running.lastLines());
            }
            running.output().join(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
            throw new IllegalStateException(program + " was interrupted", e);
        }
    }

    private static void log(InputStream output, Deque<String> tail) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                log.info("{}", line);
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            log.debug("output of a PostgreSQL program ended", e);
        }
    }
}
