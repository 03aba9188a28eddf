package org.text2image.worker;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.text2image.worker.api.WorkerApiLimits;

/**
 * The standalone worker: {@code java -jar text2image-worker.jar --server URL --token T --comfyui URL
 * [--name N] [--train] [--loras-dir DIR] [--lora-cache-mb MB] [--comfyui-dir DIR]}; each option may
 * come from the environment instead ({@code T2I_SERVER_URL}, {@code T2I_WORKER_TOKEN}, {@code T2I_COMFYUI_URL},
 * {@code T2I_WORKER_NAME}, {@code T2I_WORKER_TRAIN} ({@code true}/{@code false}), {@code T2I_LORAS_DIR},
 * {@code T2I_LORA_CACHE_MB}, {@code T2I_COMFYUI_DIR}), options winning.
 * Runs {@link WorkerLoop} on the main thread until SIGTERM or Ctrl-C, then lets the current job
 * finish for up to {@link #SHUTDOWN_GRACE} before handing it back. Exit code 2 on bad arguments.
 */
public final class WorkerMain {

    /**
     * How long a stopping worker lets its current job finish before handing it back: short enough
     * that the hand-back is sent within Docker's default 10 s stop timeout.
     */
    public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(7);

    private static final Map<String, String> OPTIONS = Map.of(
            "--server", "T2I_SERVER_URL", "--token", "T2I_WORKER_TOKEN",
            "--comfyui", "T2I_COMFYUI_URL", "--name", "T2I_WORKER_NAME",
            "--train", "T2I_WORKER_TRAIN", "--loras-dir", "T2I_LORAS_DIR", "--lora-cache-mb", "T2I_LORA_CACHE_MB",
            "--comfyui-dir", "T2I_COMFYUI_DIR");

    /** Options that take no value on the command line (a flag; {@code --train=false} turns it off). */
    private static final java.util.Set<String> FLAGS = java.util.Set.of("--train");

    static final String USAGE = """
            Usage: java -jar text2image-worker.jar --server URL --token TOKEN --comfyui URL [--name NAME]
                   [--train] [--loras-dir DIR] [--lora-cache-mb MB] [--comfyui-dir DIR]

            Pulls image jobs from a Text2Image server and runs them on a ComfyUI instance.

              --server URL    the Text2Image server, e.g. https://t2i.example.com   (env T2I_SERVER_URL)
              --token TOKEN   the worker token set on the server; prefer the env var,
                              command lines are visible to other users              (env T2I_WORKER_TOKEN)
              --comfyui URL   the ComfyUI to drive, e.g. http://127.0.0.1:8188      (env T2I_COMFYUI_URL)
              --name NAME     shown on the admin page, 1-64 characters; default: host name
                                                                                    (env T2I_WORKER_NAME)
              --train         also take LoRA training jobs                         (env T2I_WORKER_TRAIN=true)
              --loras-dir DIR ComfyUI's models/loras folder; users' LoRAs are kept in its
                              text2image/ subfolder and jobs made with a LoRA are taken
                                                                                    (env T2I_LORAS_DIR)
              --lora-cache-mb MB  most the LoRA cache holds before the least recently used
                              LoRAs are removed; default 2048                      (env T2I_LORA_CACHE_MB)
              --comfyui-dir DIR  ComfyUI's own folder (with input/ and output/); the files
                              each job and training put there are deleted when it ends
                                                                                    (env T2I_COMFYUI_DIR)
              -h, --help      show this help
            """;

    private WorkerMain() {
    }

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws InterruptedException {
        Optional<WorkerConfig> config;
        try {
            config = parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("text2image-worker: " + e.getMessage());
            System.err.println("Run with --help for usage.");
            System.exit(2);
            return;
        }
        if (config.isEmpty()) {
            System.out.print(USAGE);
            return;
        }
        WorkerLoop loop = new WorkerLoop(config.get());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutDown(loop), "worker-shutdown"));
        loop.run();
    }

    private static void shutDown(WorkerLoop loop) {
        loop.stop();
        try {
            if (!loop.awaitStopped(SHUTDOWN_GRACE)) {
                loop.stopNow();
                loop.awaitStopped(Duration.ofSeconds(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Reads the options, falling back to the environment.
     *
     * @return the settings, or empty when help was asked for
     * @throws IllegalArgumentException with a message naming the option that is missing or invalid
     */
    static Optional<WorkerConfig> parse(String[] args, Map<String, String> env) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                return Optional.empty();
            }
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (!OPTIONS.containsKey(name)) {
                throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
            String value;
            if (FLAGS.contains(name) && !arg.contains("=")) {
                value = "true";
            } else if (arg.contains("=")) {
                value = arg.substring(arg.indexOf('=') + 1);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(name + " needs a value");
            }
            values.put(name, value);
        }
        URI server = url(required(values, env, "--server", "the server URL"), "--server");
        String token = required(values, env, "--token", "the worker token");
        URI comfyUi = url(required(values, env, "--comfyui", "the ComfyUI URL"), "--comfyui");
        String name = value(values, env, "--name").orElseGet(WorkerMain::hostName);
        boolean train = bool(value(values, env, "--train").orElse("false"), "--train");
        Path loras = value(values, env, "--loras-dir").map(dir -> lorasDir(dir)).orElse(null);
        long cacheMb = value(values, env, "--lora-cache-mb").map(WorkerMain::megabytes).orElse(2048L);
        Path comfyUiDir = value(values, env, "--comfyui-dir").map(WorkerMain::comfyUiDir).orElse(null);
        WorkerConfig config;
        try {
            config = WorkerConfig.of(server, token, comfyUi, name);
        } catch (IllegalArgumentException e) {
            String option = e.getMessage().startsWith("token") ? "--token" : "--name";
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
        try {
            return Optional.of(config.withTraining(train).withLoras(loras, cacheMb * 1024 * 1024).withComfyUiDir(comfyUiDir));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--lora-cache-mb: " + e.getMessage(), e);
        }
    }

    private static boolean bool(String text, String option) {
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException(option + ": '" + text + "' is not true or false");
        };
    }

    /** An existing folder (ComfyUI's {@code models/loras}); its {@code text2image/} subfolder is made when needed. */
    private static Path lorasDir(String text) {
        Path dir = path(text, "--loras-dir");
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--loras-dir: " + dir + " is not a folder (ComfyUI's models/loras)");
        }
        return dir;
    }

    /** ComfyUI's folder: it must hold the {@code input} and {@code output} folders ComfyUI makes ({@link ComfyUiFolders#of}). */
    private static Path comfyUiDir(String text) {
        Path dir = path(text, "--comfyui-dir");
        try {
            ComfyUiFolders.of(dir);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--comfyui-dir: " + e.getMessage(), e);
        }
        return dir;
    }

    /** {@code text} as an absolute, normalized path; an {@code option} message when it is not a path. */
    private static Path path(String text, String option) {
        try {
            return Path.of(text).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException(option + ": '" + text + "' is not a path", e);
        }
    }

    private static long megabytes(String text) {
        try {
            long mb = Long.parseLong(text);
            if (mb >= 1 && mb <= WorkerConfig.MAX_LORA_CACHE_BYTES / (1024 * 1024)) {
                return mb;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--lora-cache-mb: '" + text + "' is not a whole number of MiB from 1 to "
                + WorkerConfig.MAX_LORA_CACHE_BYTES / (1024 * 1024));
    }

    private static Optional<String> value(Map<String, String> values, Map<String, String> env, String option) {
        String value = values.containsKey(option) ? values.get(option) : env.get(OPTIONS.get(option));
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    private static String required(Map<String, String> values, Map<String, String> env, String option, String what) {
        return value(values, env, option).orElseThrow(() -> new IllegalArgumentException(
                "missing " + what + ": pass " + option + " or set " + OPTIONS.get(option)));
    }

    private static URI url(String text, String option) {
        try {
            URI url = new URI(text);
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && url.getHost() != null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // reported below with the option's name
        }
        throw new IllegalArgumentException(option + ": '" + text + "' is not an http:// or https:// URL");
    }

    private static String hostName() {
        try {
            String host = InetAddress.getLocalHost().getHostName();
            int max = WorkerApiLimits.MAX_WORKER_NAME_CHARS;
            return host.length() > max ? host.substring(0, max) : host;
        } catch (UnknownHostException e) {
            return "worker";
        }
    }
}
