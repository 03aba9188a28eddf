package org.text2image.worker.comfyui.standin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * ComfyUI's HTTP routes (server.py), each also under {@code /api}: prompt, queue, interrupt,
 * history, view, system_stats, object_info, models, features, free, upload/image ({@link StandInUploads}). Answers are written with
 * Python's JSON separators so they match the captures.
 */
final class StandInRoutes extends Handler.Abstract {

    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String INTERNAL_ERROR = "500 Internal Server Error\n\nServer got itself in trouble";

    private final StandInState state;
    private final StandInSockets sockets;
    private final JsonNode systemStats = resource("system_stats.json");
    private final JsonNode models = resource("models.json");
    private final JsonNode features = resource("features.json");
    private final JsonNode emptyImageInfo = resource("object_info_EmptyImage.json");
    private final JsonNode checkpointLoaderInfo = resource("object_info_CheckpointLoaderSimple.json");

    StandInRoutes(StandInState state, StandInSockets sockets) {
        this.state = state;
        this.sockets = sockets;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        path = path.startsWith("/api/") ? path.substring(4) : path;
        Fields query = Request.extractQueryParameters(request);
        switch (request.getMethod() + " " + path) {
            case "POST /prompt" -> prompt(request, response, callback);
            case "GET /queue" -> json(response, callback, 200, state.queueJson());
            case "POST /queue" -> queue(body(request), response, callback);
            case "POST /interrupt" -> interrupt(body(request), response, callback);
            case "GET /history" -> json(response, callback, 200,
                    state.historyJson(null, query.getValue("max_items") == null ? Integer.MAX_VALUE
                            : Integer.parseInt(query.getValue("max_items"))));
            case "POST /history" -> history(body(request), response, callback);
            case "GET /view" -> view(query, response, callback);
            case "GET /system_stats" -> json(response, callback, 200, systemStats);
            case "GET /features" -> json(response, callback, 200, features);
            case "GET /models" -> json(response, callback, 200, models);
            case "GET /models/checkpoints" -> {
                if (state.checkpointsBroken()) {
                    text(response, callback, 500, "500 Internal Server Error\n\nServer got itself in trouble");
                } else {
                    json(response, callback, 200, strings(state.checkpoints()));
                }
            }
            // models_loras_after_train.json: the LoRA SaveLoRA wrote into output/loras is listed
            // and the .safetensors files of the loras folder (ComfyUiStandIn.lorasFolder), subfolders as "text2image/<file>"
            case "GET /models/loras" -> json(response, callback, 200, strings(state.loraNames()));
            case "GET /models/diffusion_models" -> json(response, callback, 200, strings(state.diffusionModels()));
            case "POST /upload/image" -> {
                StandInUploads.Answer answer = StandInUploads.upload(state,
                        request.getHeaders().get(HttpHeader.CONTENT_TYPE), bytes(request));
                if (answer.body().isPresent()) {
                    json(response, callback, answer.status(), answer.body().get());
                } else {
                    text(response, callback, answer.status(), "");
                }
            }
            case "GET /embeddings" -> json(response, callback, 200, NODES.arrayNode());
            case "GET /object_info" -> json(response, callback, 200, objectInfo(null));
            case "POST /free" -> text(response, callback, 200, "");
            default -> other(request.getMethod(), path, response, callback);
        }
        return true;
    }

    private void other(String method, String path, Response response, Callback callback) {
        if (method.equals("GET") && path.startsWith("/history/")) {
            json(response, callback, 200, state.historyJson(path.substring("/history/".length()), Integer.MAX_VALUE));
        } else if (method.equals("GET") && path.startsWith("/object_info/")) {
            json(response, callback, 200, objectInfo(path.substring("/object_info/".length())));
        } else if (method.equals("GET") && path.startsWith("/models/") && isModelFolder(path.substring("/models/".length()))) {
            json(response, callback, 200, NODES.arrayNode());
        } else {
            text(response, callback, 404, "404: Not Found");
        }
    }

    private void prompt(Request request, Response response, Callback callback) throws Exception {
        JsonNode body;
        try {
            body = JSON.readTree(body(request));
        } catch (JacksonException e) {
            text(response, callback, 500, INTERNAL_ERROR);
            return;
        }
        if (body == null || !body.isObject()) {
            text(response, callback, 500, INTERNAL_ERROR);
            return;
        }
        Optional<ObjectNode> errors = PromptCheck.errors(body, state.checkpoints(), image -> {
            int slash = image.lastIndexOf('/');
            return state.file("input", slash < 0 ? "" : image.substring(0, slash), image.substring(slash + 1)) != null;
        }, state.inputFolders(), state.loraNames());
        if (errors.isPresent()) {
            json(response, callback, 400, errors.get());
            return;
        }
        ObjectNode graph = (ObjectNode) body.get("prompt");
        String promptId = body.path("prompt_id").isString() ? body.get("prompt_id").stringValue() : UUID.randomUUID().toString();
        ObjectNode extra = body.path("extra_data").isObject() ? (ObjectNode) body.get("extra_data").deepCopy() : NODES.objectNode();
        if (body.path("client_id").isString()) {
            extra.put("client_id", body.get("client_id").stringValue());
        }
        extra.put("create_time", System.currentTimeMillis());
        QueuedPrompt queued = state.enqueue(promptId, graph, extra, new Graph(graph).outputNodes());
        sockets.broadcast(StandInSockets.statusFrame(state.queueRemaining(), null));
        if (state.takeLoseAnswer()) {
            request.getConnectionMetaData().getConnection().getEndPoint().close();
            callback.failed(new IOException("answer lost on purpose"));
            return;
        }
        ObjectNode answer = NODES.objectNode().put("prompt_id", promptId).put("number", queued.number());
        answer.putObject("node_errors");
        json(response, callback, 200, answer);
    }

    private void queue(String body, Response response, Callback callback) {
        JsonNode json = parseOrEmpty(body);
        if (json.path("clear").asBoolean(false)) {
            state.clearPending();
        }
        state.deletePending(new HashSet<>(ids(json.path("delete"))));
        text(response, callback, 200, "");
    }

    private void interrupt(String body, Response response, Callback callback) {
        JsonNode json = parseOrEmpty(body);
        state.interrupt(json.path("prompt_id").isString() ? json.get("prompt_id").stringValue() : null);
        text(response, callback, 200, "");
    }

    private void history(String body, Response response, Callback callback) {
        JsonNode json = parseOrEmpty(body);
        if (json.path("clear").asBoolean(false)) {
            state.clearHistory();
        }
        state.deleteHistory(new HashSet<>(ids(json.path("delete"))));
        text(response, callback, 200, "");
    }

    /** {@code /view}: 400 for a bad filename or type, 403 for a subfolder leaving the folder, 404 for a missing file. */
    private void view(Fields query, Response response, Callback callback) {
        String filename = query.getValue("filename");
        String subfolder = query.getValue("subfolder") == null ? "" : query.getValue("subfolder");
        String type = query.getValue("type") == null ? "output" : query.getValue("type");
        if (filename == null || filename.isEmpty() || filename.startsWith("/") || filename.contains("..")
                || !List.of("output", "input", "temp").contains(type)) {
            text(response, callback, 400, "");
            return;
        }
        if (subfolder.startsWith("/") || List.of(subfolder.split("[/\\\\]")).contains("..")) {
            text(response, callback, 403, "");
            return;
        }
        byte[] image = state.file(type, subfolder, filename);
        if (image == null) {
            text(response, callback, 404, "");
            return;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType(filename));
        response.getHeaders().put("Content-Disposition", "filename=\"" + filename + "\"");
        if (!state.chunkedViews()) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, image.length);
            response.write(true, ByteBuffer.wrap(image), callback);
            return;
        }
        int half = image.length / 2; // two writes without a length: sent chunked
        response.write(false, ByteBuffer.wrap(image, 0, half), Callback.from(
                () -> response.write(true, ByteBuffer.wrap(image, half, image.length - half), callback), callback::failed));
    }

    /** The type ComfyUI's {@code /view} sends, by extension (view_headers.txt); {@code application/octet-stream} otherwise. */
    private static String contentType(String filename) {
        String lower = filename.toLowerCase(java.util.Locale.ROOT);
        String extension = lower.substring(lower.lastIndexOf('.') + 1);
        return switch (extension) {
            case "png" -> "image/png";
            case "webp" -> "image/webp";
            case "mp4" -> "video/mp4";
            case "webm" -> "video/webm";
            default -> "application/octet-stream";
        };
    }

    private JsonNode objectInfo(String nodeClass) {
        ObjectNode info = NODES.objectNode();
        if (nodeClass == null || nodeClass.equals("CheckpointLoaderSimple")) {
            ObjectNode loader = (ObjectNode) checkpointLoaderInfo.deepCopy();
            ArrayNode names = (ArrayNode) loader.path("CheckpointLoaderSimple").path("input").path("required").path("ckpt_name").get(0);
            names.removeAll();
            state.checkpoints().forEach(names::add);
            info.setAll(loader);
        }
        if (nodeClass == null || nodeClass.equals("EmptyImage")) {
            info.setAll((ObjectNode) emptyImageInfo.deepCopy());
        }
        return info;
    }

    private boolean isModelFolder(String folder) {
        for (JsonNode name : models) {
            if (name.asString("").equals(folder)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> ids(JsonNode array) {
        return array.isArray() ? array.valueStream().filter(JsonNode::isString).map(JsonNode::stringValue).toList() : List.of();
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = NODES.arrayNode();
        values.forEach(array::add);
        return array;
    }

    private static JsonNode parseOrEmpty(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            return json == null ? NODES.objectNode() : json;
        } catch (JacksonException e) {
            return NODES.objectNode();
        }
    }

    private static String body(Request request) throws Exception {
        return new String(bytes(request), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(Request request) throws Exception {
        try (InputStream in = Request.asInputStream(request)) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new IOException("request body over " + MAX_BODY_BYTES + " bytes");
            }
            return body;
        }
    }

    private static void json(Response response, Callback callback, int status, JsonNode body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        Content.Sink.write(response, true, PythonJson.dumps(body), callback);
    }

    private static void text(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        Content.Sink.write(response, true, body, callback);
    }

    private static JsonNode resource(String name) {
        try (InputStream in = StandInRoutes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("stand-in resource missing: " + name);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
