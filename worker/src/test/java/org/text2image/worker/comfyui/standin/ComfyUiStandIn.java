package org.text2image.worker.comfyui.standin;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A faithful in-process stand-in for a ComfyUI server (v0.8.0 as captured in
 * {@code docs/COMFYUI.md} and the fixtures): real HTTP and WebSocket on one port, every route also
 * under {@code /api}, answers shaped like the captured ones, prompts run one at a time in order.
 *
 * <p>It runs any graph without weights: sampler nodes send {@code progress} frames for each step,
 * save nodes write real single-color PNGs sized by the graph's EmptyLatentImage or EmptyImage
 * (numbered per filename prefix like ComfyUI), an identical graph re-submitted is served from
 * cache with the same files. {@code POST /prompt} validates like ComfyUI for a missing prompt, a
 * node without class_type, no output node, a checkpoint that is not installed, a LoRA that is not
 * in the loras folder ({@link #lorasFolder}) and image sizes out of range; other node classes are
 * accepted as they are.
 *
 * <p>Test controls (thread-safe) inject failures and inspect what happened. Typical use:
 * <pre>{@code
 * try (ComfyUiStandIn comfyUi = new ComfyUiStandIn().start()) {
 *     comfyUi.installedCheckpoints("v1-5-pruned-emaonly.safetensors");
 *     ... point the worker at comfyUi.baseUrl() ...
 * }
 * }</pre>
 */
public final class ComfyUiStandIn implements AutoCloseable {

    private final StandInState state = new StandInState();
    private final StandInSockets sockets = new StandInSockets(state::queueRemaining);
    private Server server;
    private ServerConnector connector;
    private Thread runner;
    private int port;

    /**
     * Starts listening on a free port of 127.0.0.1 and starts the prompt runner.
     *
     * @return this, for {@code try (var comfyUi = new ComfyUiStandIn().start())}
     * @throws IllegalStateException when already started or Jetty cannot start
     */
    public synchronized ComfyUiStandIn start() {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("comfyui-standin");
        threads.setDaemon(true);
        server = new Server(threads);
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxTextMessageSize(16 * 1024 * 1024);
            container.addMapping("/ws", sockets.creator());
            container.addMapping("/api/ws", sockets.creator());
        });
        ws.setHandler(new StandInRoutes(state, sockets));
        server.setHandler(ws);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("the ComfyUI stand-in could not start", e);
        }
        port = connector.getLocalPort();
        runner = Thread.ofPlatform().name("comfyui-standin-runner").daemon().start(new StandInRunner(state, sockets));
        return this;
    }

    /** {@code http://127.0.0.1:<port>} (no trailing slash); stays the same across {@link #goOffline()}. */
    public synchronized URI baseUrl() {
        requireStarted();
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The port it listens on. */
    public synchronized int port() {
        requireStarted();
        return port;
    }

    /**
     * Sets the checkpoint files ComfyUI "has" ({@code GET /models/checkpoints}, the
     * {@code ckpt_name} list of {@code /object_info/CheckpointLoaderSimple}, and what
     * {@code CheckpointLoaderSimple} accepts). None by default, as in the captures.
     *
     * @return this
     */
    public ComfyUiStandIn installedCheckpoints(String... names) {
        state.checkpoints(Arrays.asList(names));
        return this;
    }

    /**
     * Sets the diffusion model files ComfyUI "has" ({@code GET /models/diffusion_models}, what
     * {@code UNETLoader} loads). None by default.
     *
     * @return this
     */
    public ComfyUiStandIn installedDiffusionModels(String... names) {
        state.diffusionModels(Arrays.asList(names));
        return this;
    }

    /**
     * The bytes of a file uploaded with {@code POST /upload/image} into {@code input/<subfolder>/},
     * or null when there is none; a {@code LoadImage} naming a missing one fails validation.
     */
    public byte[] inputFile(String subfolder, String name) {
        return state.file("input", subfolder, name);
    }

    /** The names of the files uploaded into {@code input/<subfolder>/}, sorted. */
    public List<String> inputFiles(String subfolder) {
        return state.fileNames("input", subfolder);
    }

    /**
     * The bytes of a file a run saved in {@code output/<subfolder>/} (such as SaveLoRA's
     * {@code loras/<prefix>_<steps>_steps_00001_.safetensors}), or null when there is none.
     */
    public byte[] outputFile(String subfolder, String name) {
        return state.file("output", subfolder, name);
    }

    /** While {@code on}, SaveLoRA ends normally but writes no file, so {@code /view} answers 404 for it. */
    public void discardSavedLoras(boolean on) {
        state.discardLoras(on);
    }

    /**
     * Sets ComfyUI's {@code models/loras} folder on disk (none by default): {@code GET /models/loras}
     * then also lists its {@code .safetensors} files, those of a subfolder as
     * {@code text2image/<file>}, and a {@code LoraLoaderModelOnly} whose {@code lora_name} is not
     * listed fails validation with {@code value_not_in_list}, as in ComfyUI. Point the worker's
     * {@code --loras-dir} at the same folder.
     *
     * @return this
     */
    public ComfyUiStandIn lorasFolder(java.nio.file.Path folder) {
        state.lorasFolder(folder);
        return this;
    }

    /**
     * Sets ComfyUI's own folder on disk (none by default): {@code input/} and {@code output/} are
     * made in it, and every upload and saved file (images, videos, LoRAs) is also written there, at
     * {@code <type>/<subfolder>/<name>}, as ComfyUI does. Point the worker's {@code --comfyui-dir} at
     * it; the stand-in keeps serving its own copies.
     *
     * @return this
     */
    public ComfyUiStandIn comfyUiFolder(java.nio.file.Path folder) {
        try {
            java.nio.file.Files.createDirectories(folder.resolve("input"));
            java.nio.file.Files.createDirectories(folder.resolve("output"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        state.comfyUiFolder(folder);
        return this;
    }

    /** The graph of the last prompt accepted by {@code POST /prompt}, or null when none was. */
    public tools.jackson.databind.node.ObjectNode lastPrompt() {
        List<SubmittedPrompt> prompts = state.submitted();
        return prompts.isEmpty() ? null : prompts.getLast().graph();
    }

    /** Makes {@code GET /models/checkpoints} answer 500 (aiohttp's plain-text error) while {@code broken}. */
    public void breakCheckpointList(boolean broken) {
        state.checkpointsBroken(broken);
    }

    /** The installed checkpoint files. */
    public List<String> installedCheckpoints() {
        return state.checkpoints();
    }

    /**
     * Makes the next {@code n} prompts fail at run time like ws_oom.jsonl: an {@code execution_error}
     * with {@code exception_type} {@code torch.OutOfMemoryError} at the first sampler (else the
     * first node), history {@code status_str} {@code error}, empty outputs.
     */
    public void failNextRuns(int n) {
        state.failNext(requireCount(n));
    }

    /** Makes the next {@code n} prompts run until interrupted ({@code POST /interrupt}), at the first sampler (else the first node). */
    public void hangNextRuns(int n) {
        state.hangNext(requireCount(n));
    }

    /**
     * During the next prompt, closes its client's WebSocket from the server side after the first
     * {@code executing} frame; the run still finishes and writes its history, but the client
     * misses the remaining frames (the client may reconnect).
     */
    public void dropSocketDuringNextRun() {
        state.dropSocketNext();
    }

    /**
     * Queues the next accepted prompt but closes the connection instead of answering, like an answer
     * lost on the network: the client cannot tell whether the prompt was queued.
     */
    public void loseNextPromptAnswer() {
        state.loseNextAnswer();
    }

    /** How long each prompt takes, spread over its nodes and sampler steps (default zero). */
    public void runDuration(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative() || duration.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("runDuration must be 0 to 10 minutes");
        }
        state.runDuration(duration);
    }

    /**
     * Stops listening and drops every connection, so new connections are refused, like a network
     * outage. Queue, history and files are kept and queued prompts keep running.
     */
    public synchronized void goOffline() {
        requireStarted();
        sockets.closeAll();
        // Stopping the connector does not always close established (keep-alive) connections; a client would then
        // wait on them instead of seeing the outage.
        List<EndPoint> open = List.copyOf(connector.getConnectedEndPoints());
        try {
            connector.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop listening", e);
        }
        open.forEach(EndPoint::close);
        List.copyOf(connector.getConnectedEndPoints()).forEach(EndPoint::close);
        awaitRefusing();
    }

    /**
     * A closed server channel stays bound until its selector lets go of it, and meanwhile the kernel still
     * accepts connections that nobody reads; wait (bounded) until connections are refused.
     */
    private void awaitRefusing() {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < end) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
            } catch (IOException refused) {
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("port " + port + " still accepts connections after going offline");
    }

    /** Listens again on the same port after {@link #goOffline()}. */
    public synchronized void comeBackOnline() {
        requireStarted();
        if (connector.isStarted()) {
            return;
        }
        connector.setPort(port);
        try {
            connector.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not listen again on port " + port, e);
        }
    }

    /** The prompts accepted by {@code POST /prompt} (HTTP 200), oldest first. */
    public List<SubmittedPrompt> submittedPrompts() {
        return state.submitted();
    }

    /**
     * Sends a preview with every sampler step, as ComfyUI does with {@code --preview-method}: a
     * binary frame of event type 1 (preview image) and format 2 (PNG), then a 64×64 PNG.
     */
    public void sendPreviews(boolean on) {
        state.previews(on);
    }

    /**
     * Makes SaveVideo write files with this extension instead of {@code mp4}, as a custom save node
     * writing another container would; the file's bytes are then not a known format.
     */
    public void writeVideosAs(String extension) {
        state.videoExtension(extension);
    }

    /** Makes {@code /view} send files chunked, without a {@code Content-Length} (ComfyUI always sends one). */
    public void sendViewsChunked(boolean on) {
        state.chunkedViews(on);
    }

    /** How many {@code /ws} sockets were opened so far. */
    public int socketsOpened() {
        return sockets.openedCount();
    }

    /** The {@code prompt_id} of the prompt running now, or null when none runs. */
    public String runningPromptId() {
        return state.runningPromptId();
    }

    /** How many {@code POST /interrupt} requests arrived (whether or not they stopped a prompt). */
    public int interruptCount() {
        return state.interrupts();
    }

    /** How many prompts finished successfully (history {@code completed: true}), cached ones included. */
    public int completedCount() {
        return state.completed();
    }

    /**
     * Waits until no prompt is running or queued.
     *
     * @return true when idle, false after {@code timeout}
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return state.awaitIdle(timeout);
    }

    /** Stops the runner (a hanging prompt is abandoned) and the server. Idempotent. */
    @Override
    public synchronized void close() {
        state.close();
        sockets.closeAll();
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException("the ComfyUI stand-in did not stop cleanly", e);
            }
        }
        if (runner != null) {
            runner.interrupt();
        }
    }

    private void requireStarted() {
        if (server == null) {
            throw new IllegalStateException("call start() first");
        }
    }

    private static int requireCount(int n) {
        if (n < 0 || n > 1000) {
            throw new IllegalArgumentException("count must be 0 to 1000");
        }
        return n;
    }
}
