package org.text2image.worker.comfyui;

import java.io.ByteArrayOutputStream;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reassembles ComfyUI's WebSocket messages: text messages are JSON {@code {"type", "data"}} handed
 * to {@code onFrame}; binary messages are previews (4-byte big-endian event type, 4-byte format,
 * image bytes) handed to {@code onPreview}. Messages over the size limits are dropped whole.
 */
final class PromptSocket implements WebSocket.Listener {

    /** Largest text message kept, in characters (an {@code executed} frame of a big batch is a few kB). */
    static final int MAX_TEXT_CHARS = 4 * 1024 * 1024;
    /** Largest binary message kept, in bytes (a preview is a small JPEG). */
    static final int MAX_BINARY_BYTES = 16 * 1024 * 1024;
    private static final int PREVIEW_IMAGE = 1;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Consumer<JsonNode> onFrame;
    private final Consumer<Preview> onPreview;
    private final Consumer<String> onClosed;
    private final StringBuilder text = new StringBuilder();
    private boolean textOverflow;
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private boolean binaryOverflow;

    PromptSocket(Consumer<JsonNode> onFrame, Consumer<Preview> onPreview, Consumer<String> onClosed) {
        this.onFrame = onFrame;
        this.onPreview = onPreview;
        this.onClosed = onClosed;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        if (!textOverflow && text.length() + data.length() <= MAX_TEXT_CHARS) {
            text.append(data);
        } else {
            textOverflow = true;
            text.setLength(0);
        }
        if (last) {
            if (!textOverflow) {
                parse(text.toString());
            }
            text.setLength(0);
            textOverflow = false;
        }
        webSocket.request(1);
        return null;
    }

    private void parse(String message) {
        JsonNode frame;
        try {
            frame = JSON.readTree(message);
        } catch (JacksonException e) {
            return; // not ours to judge; ComfyUI only sends JSON text frames
        }
        if (frame != null && frame.isObject()) {
            onFrame.accept(frame);
        }
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        if (!binaryOverflow && binary.size() + data.remaining() <= MAX_BINARY_BYTES) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
        } else {
            binaryOverflow = true;
            binary.reset();
        }
        if (last) {
            if (!binaryOverflow && binary.size() >= 8) {
                preview(binary.toByteArray());
            }
            binary.reset();
            binaryOverflow = false;
        }
        webSocket.request(1);
        return null;
    }

    private void preview(byte[] message) {
        ByteBuffer header = ByteBuffer.wrap(message, 0, 8);
        int event = header.getInt();
        int format = header.getInt();
        if (event == PREVIEW_IMAGE) {
            onPreview.accept(new Preview(format, Arrays.copyOfRange(message, 8, message.length)));
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        onClosed.accept("closed by ComfyUI (" + statusCode + (reason.isEmpty() ? "" : " " + reason) + ")");
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        onClosed.accept("failed: " + ComfyUiClient.describe(error));
    }
}
