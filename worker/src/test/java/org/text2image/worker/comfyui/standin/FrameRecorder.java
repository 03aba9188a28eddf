package org.text2image.worker.comfyui.standin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A test WebSocket client on {@code /ws?clientId=} that records the text frames it receives. */
final class FrameRecorder implements WebSocket.Listener, AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final CountDownLatch firstFrame = new CountDownLatch(1);
    private final WebSocket socket;

    /**
     * Connects and waits for the {@code status} frame ComfyUI sends on connect (it stays queued for
     * {@link #next}): the server has registered the socket by then, so no frame of a prompt
     * submitted next can be sent before the socket is known (the handshake's answer alone does
     * not promise that).
     */
    FrameRecorder(URI baseUrl, String path, String clientId) throws Exception {
        URI uri = URI.create("ws://" + baseUrl.getAuthority() + path + "?clientId=" + clientId);
        socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, this).get(5, TimeUnit.SECONDS);
        if (!firstFrame.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("no status frame within 10 s of connecting");
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            frames.add(JSON.readTree(partial.toString()));
            partial.setLength(0);
            firstFrame.countDown();
        }
        webSocket.request(1);
        return null;
    }

    /** The next frame, waiting up to 10 s; fails the test when none comes. */
    JsonNode next() throws InterruptedException {
        JsonNode frame = frames.poll(10, TimeUnit.SECONDS);
        if (frame == null) {
            throw new AssertionError("no WebSocket frame within 10 s");
        }
        return frame;
    }

    /** Skips frames up to and including the first of {@code type} for {@code promptId}. */
    JsonNode until(String type, String promptId) throws InterruptedException {
        while (true) {
            JsonNode frame = next();
            if (frame.path("type").asString("").equals(type)
                    && frame.path("data").path("prompt_id").asString("").equals(promptId)) {
                return frame;
            }
        }
    }

    /** Frames up to and including the first {@code executing} with {@code node: null} for {@code promptId}. */
    List<JsonNode> untilDone(String promptId) throws InterruptedException {
        List<JsonNode> received = new ArrayList<>();
        while (true) {
            JsonNode frame = next();
            received.add(frame);
            if (frame.path("type").asString("").equals("executing") && frame.path("data").path("node").isNull()
                    && frame.path("data").path("prompt_id").asString("").equals(promptId)) {
                return received;
            }
        }
    }

    /** Frames that arrive within {@code wait}. */
    List<JsonNode> drain(Duration wait) throws InterruptedException {
        List<JsonNode> received = new ArrayList<>();
        JsonNode frame;
        while ((frame = frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS)) != null) {
            received.add(frame);
        }
        return received;
    }

    @Override
    public void close() {
        socket.abort();
    }
}
