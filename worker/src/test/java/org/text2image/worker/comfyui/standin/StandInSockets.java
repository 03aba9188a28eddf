package org.text2image.worker.comfyui.standin;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.server.WebSocketCreator;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code /ws?clientId=} sockets, one per client id: a new socket with the same id replaces the
 * old one, as in ComfyUI's {@code server.py}. Frames for a prompt go to its client's socket only;
 * status frames go to every socket. Sends are serialised per socket and wait a bounded time.
 */
final class StandInSockets {

    private static final long SEND_TIMEOUT_MS = 5_000;

    private final Map<String, Session> byClient = new ConcurrentHashMap<>();
    private final IntSupplier queueRemaining;
    private final java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();

    StandInSockets(IntSupplier queueRemaining) {
        this.queueRemaining = queueRemaining;
    }

    /** Makes the endpoint for each upgrade; a socket without clientId gets a random one, like ComfyUI. */
    WebSocketCreator creator() {
        return (request, response, callback) -> {
            String clientId = Request.extractQueryParameters(request).getValue("clientId");
            return new StandInSocket(this, clientId == null || clientId.isBlank() ? UUID.randomUUID().toString().replace("-", "") : clientId);
        };
    }

    /** Sends to the socket of {@code clientId}, or to all sockets when it is null (a prompt posted without client_id). */
    void send(String clientId, ObjectNode frame) {
        if (clientId == null) {
            broadcast(frame);
            return;
        }
        Session session = byClient.get(clientId);
        if (session != null) {
            send(session, PythonJson.dumps(frame));
        }
    }

    void broadcast(ObjectNode frame) {
        String text = PythonJson.dumps(frame);
        byClient.values().forEach(session -> send(session, text));
    }

    /** Closes the client's socket from the server side (a dropped connection). */
    void drop(String clientId) {
        Session session = clientId == null ? null : byClient.remove(clientId);
        if (session != null) {
            // A close frame first: a bare TCP close is not always noticed by the JDK client (as with a real outage,
            // where only the client's silence timeout helps); then cut the connection whatever the client does.
            session.close(StatusCode.SERVER_ERROR, "dropped by the stand-in",
                    Callback.from(session::disconnect, e -> session.disconnect()));
        }
    }

    void closeAll() {
        List<Session> sessions = List.copyOf(byClient.values());
        byClient.clear();
        sessions.forEach(Session::disconnect);
    }

    /** Sends a binary frame (a preview) to the socket of {@code clientId}, if it has one. */
    void sendBinary(String clientId, byte[] bytes) {
        Session session = clientId == null ? null : byClient.get(clientId);
        if (session == null) {
            return;
        }
        synchronized (session) {
            if (!session.isOpen()) {
                return;
            }
            CompletableFuture<Void> sent = new CompletableFuture<>();
            session.sendBinary(java.nio.ByteBuffer.wrap(bytes), Callback.from(() -> sent.complete(null), sent::completeExceptionally));
            try {
                sent.get(SEND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                session.disconnect();
            }
        }
    }

    private static void send(Session session, String text) {
        synchronized (session) {
            if (!session.isOpen()) {
                return;
            }
            CompletableFuture<Void> sent = new CompletableFuture<>();
            session.sendText(text, Callback.from(() -> sent.complete(null), sent::completeExceptionally));
            try {
                sent.get(SEND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                session.disconnect(); // a client that does not read loses its socket, as with aiohttp
            }
        }
    }

    static ObjectNode statusFrame(int queueRemaining, String sid) {
        ObjectNode frame = JsonNodeFactory.instance.objectNode().put("type", "status");
        ObjectNode data = frame.putObject("data");
        data.putObject("status").putObject("exec_info").put("queue_remaining", queueRemaining);
        if (sid != null) {
            data.put("sid", sid);
        }
        return frame;
    }

    void opened(String clientId, Session session) {
        opened.incrementAndGet();
        byClient.put(clientId, session);
        send(session, PythonJson.dumps(statusFrame(queueRemaining.getAsInt(), clientId)));
    }

    /** How many sockets were opened so far. */
    int openedCount() {
        return opened.get();
    }

    void closed(String clientId, Session session) {
        byClient.remove(clientId, session);
    }
}
