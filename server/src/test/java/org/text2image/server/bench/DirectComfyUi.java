package org.text2image.server.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The anchor of submit → image: one workflow straight to ComfyUI, as a minimal client does it —
 * {@code POST /prompt}, poll {@code GET /history/{prompt_id}} every millisecond until the entry
 * is there, then {@code GET /view} of its first output image (ComfyUI 0.8 routes, docs/COMFYUI.md).
 */
final class DirectComfyUi {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    DirectComfyUi(URI base) {
        this.base = base;
    }

    /** Runs {@code graph} (with a fresh seed wherever it has one, so nothing is cached) and returns the image's bytes. */
    byte[] run(ObjectNode graph) throws Exception {
        ObjectNode fresh = graph.deepCopy();
        fresh.properties().forEach(node -> {
            JsonNode inputs = node.getValue().path("inputs");
            if (inputs instanceof ObjectNode in && in.has("seed") && in.get("seed").isNumber()) {
                in.put("seed", ThreadLocalRandom.current().nextLong(1L << 40));
            }
        });
        ObjectNode body = JSON.createObjectNode();
        body.set("prompt", fresh);
        body.put("client_id", UUID.randomUUID().toString());
        String answer = http.send(HttpRequest.newBuilder(base.resolve("/prompt")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String promptId = JSON.readTree(answer).path("prompt_id").asString();
        JsonNode entry = awaitHistory(promptId);
        for (JsonNode output : entry.path("outputs")) {
            for (JsonNode image : output.path("images")) {
                String query = "filename=" + encode(image.path("filename").asString()) + "&subfolder="
                        + encode(image.path("subfolder").asString()) + "&type=" + encode(image.path("type").asString());
                return http.send(HttpRequest.newBuilder(base.resolve("/view?" + query)).build(),
                        HttpResponse.BodyHandlers.ofByteArray()).body();
            }
        }
        throw new IllegalStateException("prompt " + promptId + " has no output image: " + entry);
    }

    private JsonNode awaitHistory(String promptId) throws Exception {
        long end = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < end) {
            String history = http.send(HttpRequest.newBuilder(base.resolve("/history/" + promptId)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            JsonNode entry = JSON.readTree(history).path(promptId);
            if (!entry.isMissingNode()) {
                return entry;
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("prompt " + promptId + " did not finish in 60 s");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
