package org.text2image.server.workers;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.text2image.worker.ComfyUiFolders;

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
 * @param train whether it takes LoRA trainings, as a worker's {@code --train} (default false)
 * @param lorasDir its ComfyUI's {@code models/loras} folder, as {@code --loras-dir}: users' LoRAs are
 *     kept in its {@code text2image/} subfolder and jobs made with a LoRA are taken (default empty: none)
 * @param loraCacheMb the most that subfolder holds, in MiB, before the least recently used LoRAs are
 *     removed, as {@code --lora-cache-mb} (default 2048)
 * @param comfyuiDir its ComfyUI's own folder (holding {@code input/} and {@code output/}), as
 *     {@code --comfyui-dir}: the files each attempt put there are deleted when it ends (default empty:
 *     none); a folder without {@code input/} and {@code output/} stops startup
 */
@ConfigurationProperties("text2image.embedded-worker")
public record EmbeddedWorkerProperties(boolean enabled, URI comfyuiUrl, String name, Duration idleInterval,
                                       Duration heartbeatInterval, Duration healthCheckInterval, boolean train,
                                       Path lorasDir, Long loraCacheMb, Path comfyuiDir) {

    public EmbeddedWorkerProperties {
        comfyuiUrl = comfyuiUrl == null ? URI.create("http://127.0.0.1:8188") : comfyuiUrl;
        name = name == null || name.isBlank() ? "embedded" : name;
        idleInterval = idleInterval == null ? Duration.ofSeconds(1) : idleInterval;
        heartbeatInterval = heartbeatInterval == null ? Duration.ofSeconds(5) : heartbeatInterval;
        healthCheckInterval = healthCheckInterval == null ? Duration.ofSeconds(5) : healthCheckInterval;
        lorasDir = lorasDir == null || lorasDir.toString().isBlank() ? null : lorasDir;
        loraCacheMb = loraCacheMb == null ? 2048L : loraCacheMb;
        comfyuiDir = comfyuiDir == null || comfyuiDir.toString().isBlank() ? null : comfyuiDir;
        ComfyUiFolders.of(comfyuiDir); // IllegalArgumentException: not ComfyUI's folder
    }
}
