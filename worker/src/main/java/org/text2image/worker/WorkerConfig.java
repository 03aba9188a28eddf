package org.text2image.worker;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.text2image.worker.api.WorkerApiLimits;

/**
 * Settings of one worker process (or of the server's embedded worker).
 *
 * @param serverUrl the server, such as {@code https://t2i.example.com} (http or https)
 * @param token the worker token the server expects ({@code T2I_WORKER_TOKEN}), 1–4096 visible characters
 * @param comfyUiUrl the ComfyUI this worker drives, such as {@code http://127.0.0.1:8188}
 * @param workerName shown on the admin page, 1 to {@link WorkerApiLimits#MAX_WORKER_NAME_CHARS} characters
 * @param idleInterval pause between claims when there is no work and the claim did not wait (default 1 s)
 * @param heartbeatInterval time between heartbeats of a running job (default 5 s; at most a third
 *     of the lease is used)
 * @param healthCheckInterval how long a ComfyUI health check ({@code /system_stats},
 *     {@code /models/checkpoints}) is reused (default 5 s)
 * @param maxBackoff longest pause between claims while the server is unreachable (default 30 s)
 * @param connectTimeout TCP connect timeout for server and ComfyUI (default 5 s)
 * @param serverRequestTimeout answer timeout of worker API calls (default 60 s); an upload (a completion,
 *     a direct {@code PUT}) gets one second more per MiB it sends, as if at 1 MiB/s at least
 *     ({@link WorkerApiClient#uploadTimeout}), so a 300 MiB video is not cut off by an image's timeout
 * @param comfyUiRequestTimeout answer timeout of ComfyUI calls (default 30 s)
 * @param claimWait long-poll: how long the server may hold an idle claim open until a job arrives
 *     (default 20 s; 0 turns long-poll off and the worker asks every {@code idleInterval}); added to
 *     {@code serverRequestTimeout} for claims
 * @param prefetch when the running prompt reaches its last sampler step, claim the next job and
 *     queue it on ComfyUI behind the running one, so the GPU does not wait for the upload and the
 *     next claim (default true)
 * @param train whether the worker takes LoRA trainings ({@code --train}; default false): its claims
 *     say {@code train} and a claimed training runs with {@link org.text2image.worker.training.LoraTrainer}
 * @param lorasDir ComfyUI's {@code models/loras} folder ({@code --loras-dir}), or null for none
 *     (default): with it the worker keeps users' LoRAs in its {@code text2image/} subfolder
 *     ({@link LoraCache}) and its claims say {@code loras}
 * @param loraCacheBytes the most the {@code text2image/} subfolder may hold before the least recently
 *     used LoRAs are removed ({@code --lora-cache-mb}, default 2048 MiB), in bytes, 1 MiB to 1 TiB
 * @param comfyUiDir ComfyUI's own folder, the one holding its {@code input/} and {@code output/}
 *     ({@code --comfyui-dir}), or null (default): with it the worker deletes the files each attempt
 *     put there once the attempt has ended ({@link ComfyUiFolders}); ComfyUI has no HTTP route for that
 * @throws IllegalArgumentException naming the first invalid setting
 */
public record WorkerConfig(URI serverUrl, String token, URI comfyUiUrl, String workerName, Duration idleInterval,
                           Duration heartbeatInterval, Duration healthCheckInterval, Duration maxBackoff,
                           Duration connectTimeout, Duration serverRequestTimeout, Duration comfyUiRequestTimeout,
                           Duration claimWait, boolean prefetch, boolean train, Path lorasDir,
                           long loraCacheBytes, Path comfyUiDir) {

    /** Longest token accepted. */
    public static final int MAX_TOKEN_CHARS = 4096;
    /** Longest value accepted for any of the durations. */
    public static final Duration MAX_DURATION = Duration.ofHours(1);
    /** Longest long-poll wait asked for (the server caps it at its own max-claim-wait, 30 s by default). */
    public static final Duration MAX_CLAIM_WAIT = Duration.ofSeconds(60);
    /** Default LoRA cache size: 2048 MiB. */
    public static final long DEFAULT_LORA_CACHE_BYTES = 2048L * 1024 * 1024;
    /** Largest LoRA cache size accepted: 1 TiB. */
    public static final long MAX_LORA_CACHE_BYTES = 1024L * 1024 * 1024 * 1024;

    public WorkerConfig {
        requireHttpUrl(serverUrl, "serverUrl");
        requireHttpUrl(comfyUiUrl, "comfyUiUrl");
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS || !token.chars().allMatch(c -> c > 32 && c < 127)) {
            throw new IllegalArgumentException("token must be 1 to " + MAX_TOKEN_CHARS + " visible ASCII characters");
        }
        workerName = workerName == null ? "" : workerName.strip();
        int maxName = WorkerApiLimits.MAX_WORKER_NAME_CHARS;
        if (workerName.isEmpty() || workerName.length() > maxName || workerName.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("workerName must be 1 to " + maxName + " printable characters");
        }
        requireDuration(idleInterval, "idleInterval");
        requireDuration(heartbeatInterval, "heartbeatInterval");
        requireDuration(healthCheckInterval, "healthCheckInterval");
        requireDuration(maxBackoff, "maxBackoff");
        requireDuration(connectTimeout, "connectTimeout");
        requireDuration(serverRequestTimeout, "serverRequestTimeout");
        requireDuration(comfyUiRequestTimeout, "comfyUiRequestTimeout");
        if (claimWait == null || claimWait.isNegative() || claimWait.compareTo(MAX_CLAIM_WAIT) > 0) {
            throw new IllegalArgumentException("claimWait must be 0 to " + MAX_CLAIM_WAIT.toSeconds() + " s");
        }
        if (loraCacheBytes < 1024 * 1024 || loraCacheBytes > MAX_LORA_CACHE_BYTES) {
            throw new IllegalArgumentException("loraCacheMb must be 1 to " + MAX_LORA_CACHE_BYTES / (1024 * 1024) + " MiB");
        }
    }

    /** The required settings with every other one at its default. */
    public static WorkerConfig of(URI serverUrl, String token, URI comfyUiUrl, String workerName) {
        return new WorkerConfig(serverUrl, token, comfyUiUrl, workerName, Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofSeconds(30), Duration.ofSeconds(20), true, false, null, DEFAULT_LORA_CACHE_BYTES, null);
    }

    /** A copy with another {@link #idleInterval}. */
    public WorkerConfig withIdleInterval(Duration value) {
        return new WorkerConfig(serverUrl, token, comfyUiUrl, workerName, value, heartbeatInterval, healthCheckInterval,
                maxBackoff, connectTimeout, serverRequestTimeout, comfyUiRequestTimeout, claimWait, prefetch, train, lorasDir, loraCacheBytes, comfyUiDir);
    }

    /** A copy with another {@link #heartbeatInterval}. */
    public WorkerConfig withHeartbeatInterval(Duration value) {
        return new WorkerConfig(serverUrl, token, comfyUiUrl, workerName, idleInterval, value, healthCheckInterval,
                maxBackoff, connectTimeout, serverRequestTimeout, comfyUiRequestTimeout, claimWait, prefetch, train, lorasDir, loraCacheBytes, comfyUiDir);
    }

    /** A copy with another {@link #healthCheckInterval}. */
    public WorkerConfig withHealthCheckInterval(Duration value) {
        return new WorkerConfig(serverUrl, token, comfyUiUrl, workerName, idleInterval, heartbeatInterval, value,
                maxBackoff, connectTimeout, serverRequestTimeout, comfyUiRequestTimeout, claimWait, prefetch, train, lorasDir, loraCacheBytes, comfyUiDir);
    }

    /** A copy with another {@link #maxBackoff}. */
    public WorkerConfig withMaxBackoff(Duration value) {
        return new WorkerConfig(serverUrl, token, comfyUiUrl, workerName, idleInterval, heartbeatInterval,
                healthCheckInterval, value, connectTimeout, serverRequestTimeout, comfyUiRequestTimeout, claimWait, prefetch, train, lorasDir, loraCacheBytes, comfyUiDir);
    }

    /** A copy with other HTTP timeouts. */
    public WorkerConfig withTimeouts(Duration connect, Duration serverRequest, Duration comfyUiRequest) {
        return new WorkerConfig(serverUrl, token, comfyUiUrl, workerName, idleInterval, heartbeatInterval,
                healthCheckInterval, maxBackoff, connect, serverRequest, comfyUiRequest, claimWait, prefetch, train, lorasDir, loraCacheBytes, comfyUiDir);
    }

    /** A copy with another {@link #claimWait} (zero: no long-poll). */
    public WorkerConfig withClaimWait(Duration value) {
        return new WorkerConfig(serverUrl, token, comfyUiUrl, workerName, idleInterval, heartbeatInterval,
                healthCheckInterval, maxBackoff, connectTimeout, serverRequestTimeout, comfyUiRequestTimeout, value, prefetch, train, lorasDir, loraCacheBytes, comfyUiDir);
    }

    /** A copy with {@link #prefetch} on or off. */
    public WorkerConfig withPrefetch(boolean value) {
        return new WorkerConfig(serverUrl, token, comfyUiUrl, workerName, idleInterval, heartbeatInterval,
                healthCheckInterval, maxBackoff, connectTimeout, serverRequestTimeout, comfyUiRequestTimeout, claimWait, value, train, lorasDir, loraCacheBytes, comfyUiDir);
    }

    /** A copy that takes LoRA trainings or not ({@link #train}). */
    public WorkerConfig withTraining(boolean value) {
        return new WorkerConfig(serverUrl, token, comfyUiUrl, workerName, idleInterval, heartbeatInterval,
                healthCheckInterval, maxBackoff, connectTimeout, serverRequestTimeout, comfyUiRequestTimeout, claimWait,
                prefetch, value, lorasDir, loraCacheBytes, comfyUiDir);
    }

    /**
     * A copy that keeps users' LoRAs in {@code folder}'s {@code text2image/} subfolder, at most
     * {@code cacheBytes} ({@link #lorasDir}, {@link #loraCacheBytes}); a null folder keeps none.
     */
    public WorkerConfig withLoras(Path folder, long cacheBytes) {
        return new WorkerConfig(serverUrl, token, comfyUiUrl, workerName, idleInterval, heartbeatInterval,
                healthCheckInterval, maxBackoff, connectTimeout, serverRequestTimeout, comfyUiRequestTimeout, claimWait,
                prefetch, train, folder, cacheBytes, comfyUiDir);
    }

    /** A copy that deletes each attempt's files from ComfyUI's folder {@code folder} ({@link #comfyUiDir}); null deletes none. */
    public WorkerConfig withComfyUiDir(Path folder) {
        return new WorkerConfig(serverUrl, token, comfyUiUrl, workerName, idleInterval, heartbeatInterval,
                healthCheckInterval, maxBackoff, connectTimeout, serverRequestTimeout, comfyUiRequestTimeout, claimWait,
                prefetch, train, lorasDir, loraCacheBytes, folder);
    }

    /** Whether the worker keeps users' LoRAs ({@link #lorasDir} is set). */
    public boolean keepsLoras() {
        return lorasDir != null;
    }

    /** The token is a secret: never printed. */
    @Override
    public String toString() {
        return "WorkerConfig[serverUrl=" + serverUrl + ", comfyUiUrl=" + comfyUiUrl + ", workerName=" + workerName
                + ", idleInterval=" + idleInterval + ", heartbeatInterval=" + heartbeatInterval + ", claimWait=" + claimWait + ", prefetch=" + prefetch + ", train=" + train + ", lorasDir=" + lorasDir
                + ", loraCacheBytes=" + loraCacheBytes + ", comfyUiDir=" + comfyUiDir + "]";
    }

    private static void requireHttpUrl(URI url, String name) {
        Objects.requireNonNull(url, name);
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new IllegalArgumentException(name + " must be an http:// or https:// URL with a host, not '" + url + "'");
        }
    }

    private static void requireDuration(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero() || value.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(name + " must be more than 0 and at most " + MAX_DURATION);
        }
    }
}
