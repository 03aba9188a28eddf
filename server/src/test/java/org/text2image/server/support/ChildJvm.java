package org.text2image.server.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A main class run in a JVM of its own, on this test JVM's class path, with its output in a file:
 * for what only a separate process shows (a SIGKILL that runs no shutdown hook, a SIGTERM).
 * {@link #close()} kills it if it is still running.
 */
public final class ChildJvm implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);

    private final Process process;
    private final Path output;

    private ChildJvm(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts {@code mainClass} with {@code args}; stdout and stderr go to {@code output}. */
    public static ChildJvm start(Class<?> mainClass, Path output, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"),
                mainClass.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        return new ChildJvm(process, output);
    }

    public Process process() {
        return process;
    }

    /** The output so far. */
    public String output() throws IOException {
        return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
    }

    /**
     * Waits for a line of output that {@code pattern} finds.
     *
     * @return the match (its groups give the values on the line)
     * @throws IllegalStateException when the process ends first or {@code timeout} passes, with the output
     */
    public Matcher await(Pattern pattern, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Matcher> found = output().lines().map(pattern::matcher).filter(Matcher::find).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("no line matching " + pattern + " (process alive: " + process.isAlive()
                        + ") in:\n" + output());
            }
            Thread.sleep(POLL);
        }
    }

    /** Kills the process with SIGKILL (no shutdown hook runs) and waits for it to end. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
