package org.text2image.server.workers;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code text2image.embedded-worker.*}: the worker that runs inside the server process for
 * single-machine installs. It talks to the server over the same worker API, on loopback.
 *
 * @param enabled whether to run it (default true)
 * @param comfyuiUrl the ComfyUI it drives (default {@code http://127.0.0.1:8188}, env {@code T2I_COMFYUI_URL})
 * @param name its worker name (default {@code embedded})
 * @param idleInterval pause between claims when there is no work (default 1 s)
 * @param heartbeatInterval time between heartbeats of a running job (default 5 s)
 * @param healthCheckInterval how long a ComfyUI health check is trusted before it is repeated (default 5 s)
 */
@ConfigurationProperties("text2image.embedded-worker")
public record EmbeddedWorkerProperties(boolean enabled, URI comfyuiUrl, String name, Duration idleInterval,
                                       Duration heartbeatInterval, Duration healthCheckInterval) {

    public EmbeddedWorkerProperties {
        comfyuiUrl = comfyuiUrl == null ? URI.create("http://127.0.0.1:8188") : comfyuiUrl;
        name = name == null || name.isBlank() ? "embedded" : name;
        idleInterval = idleInterval == null ? Duration.ofSeconds(1) : idleInterval;
        heartbeatInterval = heartbeatInterval == null ? Duration.ofSeconds(5) : heartbeatInterval;
        healthCheckInterval = healthCheckInterval == null ? Duration.ofSeconds(5) : healthCheckInterval;
    }
}
