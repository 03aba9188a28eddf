package org.text2image.server.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged server jar ({@code server/target/text2image-server.jar}) running as its own process,
 * so its resident memory is the server's alone. Output goes to {@code server.log} in its folder.
 */
final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final int port;

    private ServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the jar with {@code jvmOptions} (whitespace-separated, may be blank) and the given
     * {@code --key=value} arguments on a free port, from the repository root, and waits until it
     * accepts connections (at most 3 minutes).
     */
    static ServerProcess start(Path repository, String jvmOptions, Path folder, List<String> arguments) throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : jvmOptions.strip().split("\\s+")) {
            if (!option.isEmpty()) {
                command.add(option);
            }
        }
        command.add("-jar");
        command.add(repository.resolve("server/target/text2image-server.jar").toString());
        command.add("--server.port=" + port);
        // every simulated user registers, signs in and submits from 127.0.0.1: the per-IP limits would refuse most
        command.add("--text2image.rate-limits.enabled=false");
        command.addAll(arguments);
        Files.createDirectories(folder);
        Process process = new ProcessBuilder(command).directory(repository.toFile())
                .redirectErrorStream(true).redirectOutput(folder.resolve("server.log").toFile()).start();
        ServerProcess server = new ServerProcess(process, port);
        server.awaitListening(Duration.ofMinutes(3), folder.resolve("server.log"));
        return server;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** Resident memory now ({@code VmRSS}) and its peak so far ({@code VmHWM}), in MB, from /proc. */
    double[] residentMegabytes() throws IOException {
        double rss = 0;
        double peak = 0;
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = kilobytes(line) / 1024.0;
            } else if (line.startsWith("VmHWM:")) {
                peak = kilobytes(line) / 1024.0;
            }
        }
        return new double[] {rss, peak};
    }

    private static long kilobytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void awaitListening(Duration timeout, Path log) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server stopped during start-up; see " + log);
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the server did not listen within " + timeout + "; see " + log);
    }

    /** Stops the server as SIGTERM does (graceful shutdown), killing it after 60 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
