package org.text2image.server.workers;

import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.text2image.worker.WorkerConfig;
import org.text2image.worker.WorkerLoop;

/**
 * Runs the worker module's {@link WorkerLoop} inside the server (docs/ARCHITECTURE.md, "embedded
 * worker"): it starts once the web server listens and calls the worker API on
 * {@code http://127.0.0.1:<port>} with the server's own token — one code path with remote workers.
 * On shutdown it stops before the web server does, so a running job can still be reported.
 */
@Component
@ConditionalOnProperty(name = "text2image.embedded-worker.enabled", havingValue = "true", matchIfMissing = true)
class EmbeddedWorker implements ApplicationListener<WebServerInitializedEvent>, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedWorker.class);
    private static final Duration FINISH_JOB_GRACE = Duration.ofSeconds(10);

    private final EmbeddedWorkerProperties properties;
    private final WorkerToken token;
    private volatile WorkerLoop loop;
    private URI server;

    EmbeddedWorker(EmbeddedWorkerProperties properties, WorkerToken token) {
        this.properties = properties;
        this.token = token;
    }

    /** The web server listens (again, after a restart, perhaps on another port): (re)start on it. */
    @Override
    public synchronized void onApplicationEvent(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getParent() != null) {
            return;
        }
        URI server = URI.create("http://127.0.0.1:" + event.getWebServer().getPort());
        if (loop != null && !server.equals(this.server)) {
            stop();
        }
        this.server = server;
        start();
    }

    /** Starts the loop once the port is known; also after a context stop and start. */
    @Override
    public synchronized void start() {
        if (server == null || loop != null) {
            return;
        }
        WorkerConfig config = WorkerConfig.of(server, token.value(), properties.comfyuiUrl(), properties.name())
                .withIdleInterval(properties.idleInterval())
                .withHeartbeatInterval(properties.heartbeatInterval())
                .withHealthCheckInterval(properties.healthCheckInterval())
                .withTraining(properties.train())
                .withLoras(properties.lorasDir(), properties.loraCacheMb() * 1024 * 1024)
                .withComfyUiDir(properties.comfyuiDir());
        loop = new WorkerLoop(config);
        Thread.ofPlatform().name("embedded-worker").daemon(true).start(loop);
        log.info("Embedded worker '{}' started, driving ComfyUI at {}", properties.name(), properties.comfyuiUrl());
    }

    @Override
    public synchronized void stop() {
        WorkerLoop running = loop;
        if (running == null) {
            return;
        }
        running.stop();
        try {
            if (!running.awaitStopped(FINISH_JOB_GRACE)) {
                running.stopNow();
                running.awaitStopped(FINISH_JOB_GRACE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop = null;
    }

    @Override
    public boolean isRunning() {
        return loop != null;
    }

    @Override
    public int getPhase() {
        return DEFAULT_PHASE; // stops first: before the web server's graceful shutdown
    }
}
