package org.text2image.worker.comfyui;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * HTTP client for one ComfyUI server (routes and answer shapes in docs/COMFYUI.md; ComfyUI v0.8.0
 * {@code server.py}). Thread-safe.
 *
 * <p>Errors: connection refused, timeouts and HTTP 5xx throw {@link ComfyUiUnavailableException};
 * HTTP 400 on {@code /prompt} throws {@link ComfyUiValidationException}; any other unexpected
 * answer throws {@link ComfyUiException}. An interrupted calling thread keeps its interrupt flag
 * and gets a {@link ComfyUiUnavailableException}.
 */
public final class ComfyUiClient implements AutoCloseable {

    /** Largest JSON answer read (a long history or queue of big graphs), in bytes. */
    public static final int MAX_JSON_BYTES = 32 * 1024 * 1024;
    /** Largest image or video read from {@code /view}, in bytes. */
    public static final int MAX_IMAGE_BYTES = 128 * 1024 * 1024;
    /** Largest file {@link #download} writes to disk (a video), in bytes: 512 MiB. */
    public static final long MAX_DOWNLOAD_BYTES = 512L * 1024 * 1024;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI baseUrl;
    private final HttpClient http;
    /** Longest wait for an answer to a health-check call ({@link #systemStats()}, {@link #checkpoints()}). */
    public static final Duration HEALTH_CHECK_TIMEOUT = Duration.ofSeconds(5);

    private final Duration requestTimeout;
    private final boolean ownsHttp;
    private volatile int maxViewBytes = MAX_IMAGE_BYTES;
    private volatile long maxDownloadBytes = MAX_DOWNLOAD_BYTES;

    /**
     * @param baseUrl ComfyUI's address, such as {@code http://127.0.0.1:8188}; a path prefix is kept
     * @param connectTimeout how long to wait for a TCP connection
     * @param requestTimeout how long to wait for each answer
     */
    public ComfyUiClient(URI baseUrl, Duration connectTimeout, Duration requestTimeout) {
        this(baseUrl, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout).build(), requestTimeout, true);
    }

    /** As above with a caller-owned {@link HttpClient} (its connect timeout applies). */
    public ComfyUiClient(URI baseUrl, HttpClient http, Duration requestTimeout) {
        this(baseUrl, http, requestTimeout, false);
    }

    private ComfyUiClient(URI baseUrl, HttpClient http, Duration requestTimeout, boolean ownsHttp) {
        this.ownsHttp = ownsHttp;
        String url = Objects.requireNonNull(baseUrl, "baseUrl").toString();
        this.baseUrl = URI.create(url.endsWith("/") ? url : url + "/");
        this.http = Objects.requireNonNull(http, "http");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    /** The base address, always ending in {@code /}. */
    public URI baseUrl() {
        return baseUrl;
    }

    /**
     * Queues a graph: {@code POST /prompt {"prompt", "client_id", "prompt_id"}}. ComfyUI does not
     * de-duplicate, so a caller that lost the answer should look at {@link #history} and
     * {@link #queue} before posting again.
     *
     * @param graph the API-format graph
     * @param promptId the id to queue it under, or null to let ComfyUI pick one
     * @param clientId the WebSocket client id that receives the prompt's frames
     * @return the prompt id ComfyUI queued it under
     * @throws ComfyUiValidationException on HTTP 400 (nothing was queued)
     */
    public String submit(ObjectNode graph, String promptId, String clientId) {
        ObjectNode body = JSON.createObjectNode();
        body.set("prompt", graph);
        body.put("client_id", clientId);
        if (promptId != null) {
            body.put("prompt_id", promptId);
        }
        Answer response = send(post("prompt", body), MAX_JSON_BYTES);
        if (response.status() == 400) {
            JsonNode error = parseOrNull(response.body());
            if (error == null) {
                throw new ComfyUiValidationException("", ComfyUiResponses.truncate(
                        "ComfyUI rejected the prompt (HTTP 400): " + text(response.body())));
            }
            throw new ComfyUiValidationException(error.path("error").path("type").asString(""),
                    ComfyUiResponses.validationMessage(error));
        }
        JsonNode answer = json(expectOk(response, "POST /prompt"), "POST /prompt");
        return answer.path("prompt_id").asString(promptId);
    }

    /** {@code GET /history/{id}}: the finished prompt, or empty while it is queued, running or unknown. */
    public Optional<PromptHistory> history(String promptId) {
        Answer response = send(get("history/" + encode(promptId)), MAX_JSON_BYTES);
        return ComfyUiResponses.history(promptId, json(expectOk(response, "GET /history"), "GET /history"));
    }

    /**
     * {@code GET /view?filename=&subfolder=&type=}: an output file's bytes (an image or a video:
     * no {@code preview} or {@code channel} parameter, so ComfyUI sends the file as written, with
     * its {@code Content-Type} and {@code Content-Length}; docs/COMFYUI.md, "Video outputs").
     *
     * @throws ComfyUiException when the file does not exist (404), the path is refused (400, 403)
     *     or it is larger than {@link #MAX_IMAGE_BYTES}: refused on its {@code Content-Length}
     *     before any of it is read, else after reading one byte more than the limit
     */
    public byte[] view(ImageRef image) {
        String query = "view?filename=" + encode(image.filename()) + "&subfolder=" + encode(image.subfolder())
                + "&type=" + encode(image.type());
        Answer response = send(get(query), maxViewBytes);
        if (response.status() == 404) {
            throw new ComfyUiException("ComfyUI has no image " + image);
        }
        return expectOk(response, "GET /view");
    }

    /** {@code POST /interrupt {"prompt_id"}}: stops the prompt if it is the running one (at the next node or sampler step). */
    public void interrupt(String promptId) {
        ObjectNode body = JSON.createObjectNode().put("prompt_id", promptId);
        expectOk(send(post("interrupt", body), MAX_JSON_BYTES), "POST /interrupt");
    }

    /** {@code GET /queue}: the running and pending prompt ids. */
    public QueueState queue() {
        return ComfyUiResponses.queue(json(expectOk(send(get("queue"), MAX_JSON_BYTES), "GET /queue"), "GET /queue"));
    }

    /** {@code POST /queue {"delete": [ids]}}: removes pending prompts (a running one is not affected). */
    public void deleteFromQueue(Collection<String> promptIds) {
        ObjectNode body = JSON.createObjectNode();
        promptIds.forEach(body.putArray("delete")::add);
        expectOk(send(post("queue", body), MAX_JSON_BYTES), "POST /queue");
    }

    /**
     * {@code GET /system_stats}: version and devices; the worker's health check. Answered within
     * {@link #HEALTH_CHECK_TIMEOUT} (or the client's request timeout, if shorter): a ComfyUI that
     * holds the connection without answering counts as down then, not after a job call's timeout.
     */
    public SystemStats systemStats() {
        return ComfyUiResponses.systemStats(json(expectOk(send(healthCheck("system_stats"), MAX_JSON_BYTES),
                "GET /system_stats"), "GET /system_stats"));
    }

    /**
     * {@code POST /upload/image}: stores an image in ComfyUI's {@code input/<subfolder>/} folder, for
     * a workflow's {@code LoadImage}. Multipart fields {@code image} (the file, under {@code name}),
     * {@code subfolder}, {@code type} = {@code input} and {@code overwrite} = {@code true}, so a file
     * already there under the name is replaced rather than the upload renamed
     * ({@code name (1).png}; docs/COMFYUI.md, "Uploading an input image").
     *
     * @param contentType the file's type, such as {@code image/png}
     * @return where ComfyUI says it stored the file
     * @throws ComfyUiException on another answer than 200 JSON (ComfyUI answers 400 for a missing
     *     file or a subfolder that leaves {@code input/})
     */
    public UploadedInput uploadImage(String name, String subfolder, String contentType, byte[] bytes) {
        String boundary = "t2i-" + java.util.UUID.randomUUID().toString().replace("-", "");
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        for (String[] field : List.of(new String[] {"subfolder", subfolder}, new String[] {"type", "input"},
                new String[] {"overwrite", "true"})) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field[0] + "\"\r\n\r\n"
                    + field[1] + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\""
                + name.replaceAll("[\"\\\\\r\n]", "_") + "\"\r\nContent-Type: " + contentType + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(bytes);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(baseUrl.resolve("upload/image")).timeout(requestTimeout)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        JsonNode answer = json(expectOk(send(request, MAX_JSON_BYTES), "POST /upload/image"), "POST /upload/image");
        return new UploadedInput(answer.path("name").asString(""), answer.path("subfolder").asString(""),
                answer.path("type").asString(""));
    }

    /** {@code GET /models/checkpoints}: the installed checkpoint file names; part of the health check, timed like it. */
    public List<String> checkpoints() {
        return ComfyUiResponses.strings(json(expectOk(send(healthCheck("models/checkpoints"), MAX_JSON_BYTES),
                "GET /models/checkpoints"), "GET /models/checkpoints"));
    }

    /**
     * {@code GET /models/diffusion_models}: the installed diffusion model files (what
     * {@code UNETLoader} loads as {@code unet_name}: video models such as Wan); part of the health
     * check, timed like it. A ComfyUI that does not know the folder answers 404: none.
     */
    public List<String> diffusionModels() {
        Answer answer = send(healthCheck("models/diffusion_models"), MAX_JSON_BYTES);
        if (answer.status() == 404) {
            return List.of();
        }
        return ComfyUiResponses.strings(json(expectOk(answer, "GET /models/diffusion_models"),
                "GET /models/diffusion_models"));
    }

    /**
     * {@code GET /models/loras}: the LoRA files ComfyUI lists (models/loras and any
     * extra_model_paths; a trained LoRA in {@code output/loras} is listed when that folder is one
     * of them, models_loras_after_train.json). A ComfyUI that does not know the folder answers 404: none.
     */
    public List<String> loras() {
        Answer answer = send(get("models/loras"), MAX_JSON_BYTES);
        if (answer.status() == 404) {
            return List.of();
        }
        return ComfyUiResponses.strings(json(expectOk(answer, "GET /models/loras"), "GET /models/loras"));
    }

    /** Opens {@code GET /ws?clientId=} ({@code ws:} or {@code wss:} after the base URL's scheme). */
    CompletableFuture<WebSocket> openSocket(String clientId, WebSocket.Listener listener, Duration connectTimeout) {
        String scheme = "https".equalsIgnoreCase(baseUrl.getScheme()) ? "wss" : "ws";
        URI http = baseUrl.resolve("ws?clientId=" + encode(clientId));
        URI ws = URI.create(scheme + http.toString().substring(http.getScheme().length()));
        return http().newWebSocketBuilder().connectTimeout(connectTimeout).buildAsync(ws, listener);
    }

    /** Sets the largest file {@link #view} reads and {@link #download} writes, in bytes (tests use a small one). */
    void maxViewBytes(int maxBytes) {
        this.maxViewBytes = maxBytes;
        this.maxDownloadBytes = maxBytes;
    }

    /**
     * {@code GET /view?filename=&subfolder=&type=} streamed into {@code target} (created or
     * replaced), never held in memory: for videos. Returns the bytes written.
     *
     * @throws ComfyUiException when the file does not exist (404) or is refused (400, 403)
     * @throws ComfyUiOutputTooLargeException when it is larger than {@link #MAX_DOWNLOAD_BYTES}: refused on its {@code Content-Length} before any
     *     of it is read, else as soon as one byte more than the limit arrived (the partial file is
     *     left for the caller to delete)
     * @throws ComfyUiUnavailableException on network errors, timeouts, 5xx, or a failure writing {@code target}
     */
    public long download(ImageRef file, Path target) {
        String what = "GET /view";
        long limit = maxDownloadBytes;
        HttpRequest request = get("view?filename=" + encode(file.filename()) + "&subfolder=" + encode(file.subfolder())
                + "&type=" + encode(file.type()));
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    Answer answer = new Answer(response.statusCode(), in.readNBytes(300));
                    if (answer.status() == 404) {
                        throw new ComfyUiException("ComfyUI has no file " + file);
                    }
                    expectOk(answer, what);
                }
                long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (declared > limit) {
                    throw new ComfyUiOutputTooLargeException(what + " answered " + declared + " bytes for " + file.filename()
                            + ", more than the limit of " + limit + " bytes");
                }
                return copy(in, target, limit, file);
            }
        } catch (HttpTimeoutException e) {
            throw new ComfyUiUnavailableException(what + " timed out at " + baseUrl, e);
        } catch (IOException e) {
            throw new ComfyUiUnavailableException(what + " failed at " + baseUrl + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ComfyUiUnavailableException(what + " interrupted", e);
        }
    }

    private static long copy(InputStream in, Path target, long limit, ImageRef file) throws IOException {
        long written = 0;
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(target)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                written += n;
                if (written > limit) {
                    throw new ComfyUiOutputTooLargeException("GET /view answered more than the limit of " + limit + " bytes for "
                            + file.filename());
                }
                out.write(buffer, 0, n);
            }
        }
        return written;
    }

    HttpClient http() {
        return http;
    }

    /** Stops the HTTP client this object made (a caller-owned one is left alone); calls under way fail. */
    @Override
    public void close() {
        if (ownsHttp) {
            http.shutdownNow();
        }
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(baseUrl.resolve(path)).timeout(requestTimeout).GET().build();
    }

    private HttpRequest healthCheck(String path) {
        Duration timeout = requestTimeout.compareTo(HEALTH_CHECK_TIMEOUT) < 0 ? requestTimeout : HEALTH_CHECK_TIMEOUT;
        return HttpRequest.newBuilder(baseUrl.resolve(path)).timeout(timeout).GET().build();
    }

    private HttpRequest post(String path, JsonNode body) {
        return HttpRequest.newBuilder(baseUrl.resolve(path)).timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
    }

    private Answer send(HttpRequest request, int maxBytes) {
        String what = request.method() + " " + request.uri().getPath();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (declared > maxBytes) {
                    throw new ComfyUiException(what + " answered " + declared + " bytes, more than the limit of "
                            + maxBytes + " bytes");
                }
                byte[] body = in.readNBytes(maxBytes + 1);
                if (body.length > maxBytes) {
                    throw new ComfyUiException(what + " answered more than " + maxBytes + " bytes");
                }
                return new Answer(response.statusCode(), body);
            }
        } catch (HttpTimeoutException e) {
            throw new ComfyUiUnavailableException(what + " timed out at " + baseUrl, e);
        } catch (IOException e) {
            throw new ComfyUiUnavailableException(what + " failed at " + baseUrl + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ComfyUiUnavailableException(what + " interrupted", e);
        }
    }

    private byte[] expectOk(Answer response, String what) {
        int status = response.status();
        if (status >= 500) {
            throw new ComfyUiUnavailableException(what + " answered HTTP " + status + ": " + text(response.body()));
        }
        if (status != 200) {
            throw new ComfyUiException(what + " answered HTTP " + status + ": " + text(response.body()));
        }
        return response.body();
    }

    private static JsonNode json(byte[] body, String what) {
        JsonNode node = parseOrNull(body);
        if (node == null) {
            throw new ComfyUiException(what + " answered something that is not JSON: " + text(body));
        }
        return node;
    }

    private static JsonNode parseOrNull(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            return null;
        }
    }

    private static String text(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8).strip();
        return text.replaceAll("\\s+", " ");
    }

    static String describe(Throwable e) {
        if (e instanceof java.net.ConnectException && (e.getMessage() == null || e.getMessage().isBlank())) {
            return "connection refused";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** A status and a body read up to a size limit, so no answer can exhaust memory. */
    private record Answer(int status, byte[] body) {
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
