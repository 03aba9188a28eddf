package org.text2image.worker.comfyui;

import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The worker's one WebSocket to ComfyUI ({@code GET /ws?clientId=}), kept open between prompts
 * and shared by the {@link PromptRun}s, as ComfyUI's own frontend keeps one socket per tab.
 * ComfyUI keeps one socket per {@code client_id} (a second connection with the same id replaces
 * the first), so a worker process must not open more than one.
 *
 * <p>{@link #subscribe} makes sure the socket is open and greeted — ComfyUI registers a socket
 * after the handshake and then sends it a {@code status} frame; frames for a prompt posted before
 * that would be lost — and from then on passes every frame to the subscriber. When the socket
 * drops, its subscribers are told ({@link Subscriber#onSocketDown}) and follow their prompts by
 * polling; the next subscription opens a new socket. Thread-safe.
 */
public final class ComfyUiEvents implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ComfyUiEvents.class);

    /** Receives the socket's frames; called on the socket's thread, must return quickly. */
    public interface Subscriber {
        /** A JSON text frame, such as {@code {"type": "progress", "data": {...}}}. */
        void onFrame(JsonNode frame);

        /**
         * A binary preview image frame. Previews carry no prompt id: {@code promptId} is the prompt
         * ComfyUI was executing when it came (from the last {@code execution_start}, {@code executing}
         * or {@code progress} frame), or null.
         */
        void onPreview(Preview preview, String promptId);

        /** The socket dropped or could not be opened; no more frames will come to this subscriber. */
        void onSocketDown(String why);
    }

    /** Ends a subscription; the socket stays open for the next one. */
    @FunctionalInterface
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private final ComfyUiClient client;
    private final String clientId;
    private final Object connecting = new Object();
    private volatile Connection current;
    private volatile boolean closed;

    /**
     * @param client the ComfyUI to connect to
     * @param clientId this worker process's {@code client_id}; prompts must be posted with it
     */
    public ComfyUiEvents(ComfyUiClient client, String clientId) {
        this.client = Objects.requireNonNull(client, "client");
        this.clientId = Objects.requireNonNull(clientId, "clientId");
    }

    /** The ComfyUI these events come from. */
    public ComfyUiClient client() {
        return client;
    }

    /**
     * Subscribes to the socket, opening it first (waiting up to {@code connectTimeout} for the
     * connection and again for ComfyUI's greeting) when it is not open. When it cannot be opened
     * the subscriber is told at once through {@link Subscriber#onSocketDown}.
     */
    public Subscription subscribe(Subscriber subscriber, Duration connectTimeout) {
        Connection connection = connect(connectTimeout);
        connection.subscribers.add(subscriber);
        if (connection.down != null) { // it dropped before or while we joined: tell this one too
            connection.subscribers.remove(subscriber);
            subscriber.onSocketDown(connection.down);
            return () -> { };
        }
        return () -> connection.subscribers.remove(subscriber);
    }

    /**
     * Opens the socket now if it is not open, so the next prompt does not wait for it (the worker
     * calls this before it asks for work). Failures are left for {@link #subscribe} to report.
     */
    public void warmUp(Duration connectTimeout) {
        connect(connectTimeout);
    }

    /** Whether the socket is open now. */
    public boolean isOpen() {
        Connection connection = current;
        return connection != null && connection.down == null;
    }

    private Connection connect(Duration timeout) {
        synchronized (connecting) {
            Connection connection = current;
            if (connection != null && connection.down == null) {
                return connection;
            }
            connection = new Connection();
            if (closed) {
                connection.markDown("closed");
                return connection;
            }
            Connection opening = connection;
            PromptSocket handler = new PromptSocket(opening::onFrame, opening::onPreview, opening::markDown);
            try {
                opening.socket = client.openSocket(clientId, handler, timeout)
                        .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
                if (!opening.greeted.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.info("ComfyUI socket sent no status frame after opening; prompts may rely on /history");
                }
            } catch (ExecutionException | TimeoutException e) {
                opening.markDown("could not open: " + ComfyUiClient.describe(e.getCause() == null ? e : e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                opening.markDown("interrupted while opening");
            }
            current = opening;
            return opening;
        }
    }

    /** Closes the socket; subscribers are told it is down. */
    @Override
    public void close() {
        closed = true;
        Connection connection;
        synchronized (connecting) {
            connection = current;
            current = null;
        }
        if (connection != null) {
            connection.markDown("closed");
            WebSocket ws = connection.socket;
            if (ws != null) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(1, TimeUnit.SECONDS).whenComplete((r, e) -> ws.abort());
            }
        }
    }

    /** One socket and who listens to it. */
    private static final class Connection {
        final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
        final CountDownLatch greeted = new CountDownLatch(1);
        volatile WebSocket socket;
        volatile String down;
        volatile String executing;

        void onFrame(JsonNode frame) {
            greeted.countDown();
            String type = frame.path("type").asString("");
            JsonNode data = frame.path("data");
            if (type.equals("execution_start") || type.equals("executing") || type.equals("progress")) {
                boolean finished = type.equals("executing") && data.has("node") && data.get("node").isNull();
                String promptId = data.path("prompt_id").asString("");
                executing = finished || promptId.isEmpty() ? null : promptId;
            }
            subscribers.forEach(subscriber -> subscriber.onFrame(frame));
        }

        void onPreview(Preview preview) {
            String promptId = executing;
            subscribers.forEach(subscriber -> subscriber.onPreview(preview, promptId));
        }

        void markDown(String why) {
            greeted.countDown();
            synchronized (this) {
                if (down != null) {
                    return;
                }
                down = why;
            }
            subscribers.forEach(subscriber -> subscriber.onSocketDown(why));
            subscribers.clear();
        }
    }
}
