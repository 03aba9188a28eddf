package org.text2image.server.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * nginx ({@code nginx-light}) serving a folder of files with sendfile on a loopback port, with its
 * own configuration, as the anchor for image serving. Its workers run as {@code www-data} when
 * started as root, so the folder is made world-readable.
 */
final class NginxAnchor implements AutoCloseable {

    private final Process process;
    private final int port;

    private NginxAnchor(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts nginx in the foreground on a free port, serving {@code root}; its config and logs go to {@code folder}. */
    static NginxAnchor start(Path root, Path folder) throws Exception {
        int port = ServerProcess.freePort();
        Files.createDirectories(folder);
        openToEveryone(root);
        boolean rootUser = "root".equals(System.getProperty("user.name"));
        String config = (rootUser ? "user www-data;\n" : "") + """
                worker_processes 2;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 1024; }
                http {
                    access_log off;
                    sendfile on;
                    tcp_nopush on;
                    keepalive_requests 100000;
                    types { image/png png; }
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    server {
                        listen 127.0.0.1:%2$d;
                        root %3$s;
                    }
                }
                """.formatted(folder.toAbsolutePath(), port, root.toAbsolutePath());
        Path file = folder.resolve("nginx.conf");
        Files.writeString(file, config);
        Process process = new ProcessBuilder("nginx", "-p", folder.toAbsolutePath().toString(), "-c", file.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(folder.resolve("nginx.out").toFile()).start();
        NginxAnchor nginx = new NginxAnchor(process, port);
        nginx.awaitListening();
        return nginx;
    }

    int port() {
        return port;
    }

    private static void openToEveryone(Path root) throws IOException {
        for (Path dir = root.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            try {
                var permissions = Files.getPosixFilePermissions(dir);
                permissions.add(PosixFilePermission.OTHERS_EXECUTE);
                Files.setPosixFilePermissions(dir, permissions);
            } catch (IOException | UnsupportedOperationException ignored) {
                // a parent we may not change; nginx reports a 403 then, which the table shows
            }
        }
        try (var files = Files.list(root)) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
    }

    private void awaitListening() throws Exception {
        for (int i = 0; i < 100; i++) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx stopped at start; exit " + process.exitValue());
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("nginx did not listen on " + port);
    }

    /** Stops nginx (SIGTERM to the master, which stops its workers). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
