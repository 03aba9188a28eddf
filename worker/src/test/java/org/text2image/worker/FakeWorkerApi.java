package org.text2image.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.text2image.worker.api.ClaimRequest;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.api.FailRequest;
import org.text2image.worker.api.HandBackRequest;
import org.text2image.worker.api.Heartbeat;
import org.text2image.worker.api.HeartbeatResponse;
import org.text2image.worker.api.JobOutcome;
import org.text2image.worker.api.UploadUrls;
import org.text2image.worker.api.UploadUrlsRequest;
import org.text2image.worker.api.UploadedCompletion;
import org.text2image.worker.api.WorkerApi;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small stand-in for the server's worker API (see {@link WorkerApi}) that records every call.
 * Like the server, it hands an offered job only to a claim whose backend is reachable.
 */
final class FakeWorkerApi implements AutoCloseable {

    static final String TOKEN = "test-token";
    /**
     * Writes claims with their {@code training} object: without the mix-in, Jackson writes
     * {@link ClaimedJob#isTraining()} as {@code "training": true} in its place, which no client can read.
     */
    private static final JsonMapper JSON = JsonMapper.builder().addMixIn(ClaimedJob.class, ClaimedJobWire.class).build();

    private abstract static class ClaimedJobWire {
        @com.fasterxml.jackson.annotation.JsonIgnore
        abstract boolean isTraining();

        @com.fasterxml.jackson.annotation.JsonProperty("training")
        abstract org.text2image.worker.api.ClaimedTraining training();
    }

    record Beat(UUID jobId, Heartbeat heartbeat) {
    }

    record Part(String name, String filename, String contentType, byte[] bytes) {
    }

    record Completion(UUID jobId, int attempt, List<Part> images) {
    }

    record Failure(UUID jobId, FailRequest request) {
    }

    record HandBack(UUID jobId, HandBackRequest request) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Deque<ClaimedJob> offered = new ArrayDeque<>();
    private final List<ClaimRequest> claims = new ArrayList<>();
    private final List<Beat> heartbeats = new ArrayList<>();
    private final List<Completion> completions = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();
    private final List<HandBack> handBacks = new ArrayList<>();
    private int cancelledClaims;
    private volatile Duration completionDelay;
    private final List<byte[]> previews = new ArrayList<>();
    private final List<String> calls = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private int jobsGivenToWaitingClaims;
    private boolean holdClaims;
    private int requests;
    private int heartbeatStatus = 200;
    private int completeStatus = 200;
    private boolean cancel;
    private boolean unavailable;
    private boolean directUploads;
    private int bucketStatus = 200;
    private final java.util.Map<String, byte[]> bucket = new java.util.LinkedHashMap<>();
    private final List<java.util.Map<String, String>> bucketHeaders = new ArrayList<>();
    private final List<UploadedCompletion> keyedCompletions = new ArrayList<>();
    private final java.util.Map<UUID, byte[]> inputImages = new java.util.HashMap<>();
    private final java.util.Map<UUID, String> inputImageTypes = new java.util.HashMap<>();
    private int inputImageStatus = 200;
    private final java.util.Map<UUID, byte[]> datasetImages = new java.util.HashMap<>();
    private final java.util.Map<UUID, byte[]> loraFiles = new java.util.HashMap<>();
    private final List<String> loraRequests = new ArrayList<>();
    private int loraStatus = 200;

    FakeWorkerApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(WorkerApi.BASE_PATH + "/", this::handle);
        server.createContext("/bucket/", this::handleBucket);
        server.setExecutor(executor);
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    synchronized void offer(ClaimedJob job) {
        offered.add(job);
        notifyAll();
    }

    /** From now on a claim asking to wait is held until a job is offered, the claims are cancelled, or the wait ends. */
    synchronized void holdLongPollClaims() {
        holdClaims = true;
    }

    synchronized int jobsGivenToWaitingClaims() {
        return jobsGivenToWaitingClaims;
    }

    /** Called holding the lock: waits for an offer, a cancel or the end of the wait. */
    private ClaimedJob awaitOffer(int waitSeconds) {
        long end = System.nanoTime() + waitSeconds * 1_000_000_000L;
        int cancelsBefore = cancelledClaims;
        while (offered.isEmpty() && cancelledClaims == cancelsBefore) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return offered.poll();
    }

    synchronized void answerHeartbeatsWith(int status) {
        heartbeatStatus = status;
    }

    /** Each completion takes this long before the server records it (a slow upload). */
    void delayCompletions(Duration delay) {
        completionDelay = delay;
    }

    synchronized void answerCompletionsWith(int status) {
        completeStatus = status;
    }

    /** From now on upload-urls answers presigned-style URLs on this fake's {@code /bucket/} (else 404: direct upload off). */
    synchronized void offerDirectUploads() {
        directUploads = true;
    }

    /** The fake bucket answers every PUT with this status (200 by default, storing the bytes). */
    synchronized void answerBucketPutsWith(int status) {
        bucketStatus = status;
    }

    /** The objects PUT into the fake bucket, by key. */
    synchronized java.util.Map<String, byte[]> bucket() {
        return java.util.Map.copyOf(bucket);
    }

    /** The headers of each PUT into the fake bucket (names lower-case), in order. */
    synchronized List<java.util.Map<String, String>> bucketHeaders() {
        return List.copyOf(bucketHeaders);
    }

    /** The JSON completions (after a direct upload), in order. */
    synchronized List<UploadedCompletion> keyedCompletions() {
        return List.copyOf(keyedCompletions);
    }

    private void handleBucket(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status;
            synchronized (this) {
                status = bucketStatus;
                java.util.Map<String, String> headers = new java.util.TreeMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT),
                        String.join(",", values)));
                bucketHeaders.add(headers);
                if (status == 200 && exchange.getRequestMethod().equals("PUT")) {
                    bucket.put(exchange.getRequestURI().getPath().substring("/bucket/".length()), body);
                }
            }
            exchange.sendResponseHeaders(status, -1);
        }
    }

    /** {@code GET /jobs/{id}/input-image} answers these bytes with this Content-Type (else 404). */
    synchronized void inputImage(UUID jobId, String contentType, byte[] bytes) {
        inputImages.put(jobId, bytes);
        inputImageTypes.put(jobId, contentType);
    }

    /** {@code GET /jobs/{id}/input-image} answers this status with a problem (200, the default, sends the image). */
    synchronized void answerInputImagesWith(int status) {
        inputImageStatus = status;
    }

    /** {@code GET /trainings/{id}/images/{imageId}} answers these bytes (else 404). */
    synchronized void datasetImage(UUID imageId, byte[] bytes) {
        datasetImages.put(imageId, bytes);
    }

    /** {@code GET /jobs/{id}/loras/{loraId}} answers these bytes (else 404). */
    synchronized void loraFile(UUID loraId, byte[] bytes) {
        loraFiles.put(loraId, bytes);
    }

    /** {@code GET /jobs/{id}/loras/{loraId}} answers this status with a problem (200, the default, sends the file). */
    synchronized void answerLorasWith(int status) {
        loraStatus = status;
    }

    /** The LoRA downloads asked for, in order, as {@code <job id>/<lora id>?attempt=N}. */
    synchronized List<String> loraRequests() {
        return List.copyOf(loraRequests);
    }

    /** The calls received in order as {@code "<kind> <id>"}, trainings' as {@code "training <kind> <id>"}, such as {@code "training fail <id>"}. */
    synchronized List<String> trainingEvents() {
        return events.stream().filter(e -> e.startsWith("training ")).toList();
    }

    synchronized void cancelRunningJobs() {
        cancel = true;
    }

    /** While true every call answers 503, as a server that is down behind a proxy. */
    synchronized void unavailable(boolean value) {
        unavailable = value;
    }

    synchronized List<ClaimRequest> claims() {
        return List.copyOf(claims);
    }

    synchronized List<Beat> heartbeats() {
        return List.copyOf(heartbeats);
    }

    synchronized List<Completion> completions() {
        return List.copyOf(completions);
    }

    synchronized List<Failure> failures() {
        return List.copyOf(failures);
    }

    synchronized List<HandBack> handBacks() {
        return List.copyOf(handBacks);
    }

    /** The calls received in order, by name: claim, claim/cancel, heartbeat, complete, fail, handback. */
    synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    /** The preview images received, in order. */
    synchronized List<byte[]> previews() {
        return List.copyOf(previews);
    }

    /** The calls received in order, job calls with their job id: {@code "heartbeat <id>"}, {@code "complete <id>"}, … */
    synchronized List<String> events() {
        return List.copyOf(events);
    }

    synchronized int cancelledClaims() {
        return cancelledClaims;
    }

    synchronized int requests() {
        return requests;
    }

    /** Waits until {@code condition} holds, re-checking on every call received; fails the test after {@code timeout}. */
    synchronized void awaitUntil(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("condition not met within " + timeout);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Duration delay = completionDelay;
            if (delay != null && exchange.getRequestURI().getPath().endsWith("/complete")) {
                try {
                    Thread.sleep(delay.toMillis()); // a slow upload: the completion is recorded after it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Object answer;
            int status;
            synchronized (this) {
                requests++;
                notifyAll();
                if (unavailable) {
                    respond(exchange, 503, "{\"title\":\"Service Unavailable\"}");
                    return;
                }
                if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    respond(exchange, 401, "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"bad worker token\"}");
                    return;
                }
                String path = exchange.getRequestURI().getPath().substring(WorkerApi.BASE_PATH.length() + 1);
                String[] parts = path.split("/");
                String kind = parts[0].equals("trainings") ? "training " : "";
                calls.add(parts.length > 2 ? kind + parts[2] : path);
                events.add(parts.length > 2 ? kind + parts[2] + " " + parts[1] : path);
                if (path.equals("claim/cancel")) {
                    cancelledClaims++;
                    notifyAll();
                    status = 204;
                    answer = null;
                } else if (path.equals("claim")) {
                    ClaimRequest claim = JSON.readValue(body, ClaimRequest.class);
                    claims.add(claim);
                    ClaimedJob job = claim.backendReachable() ? offered.poll() : null;
                    if (job == null && holdClaims && claim.backendReachable() && claim.waitSeconds() > 0) {
                        job = awaitOffer(claim.waitSeconds());
                        jobsGivenToWaitingClaims += job == null ? 0 : 1;
                    }
                    status = job == null ? 204 : 200;
                    answer = job;
                } else if (parts[0].equals("trainings") && parts[2].equals("images")) {
                    byte[] image = datasetImages.get(UUID.fromString(parts[3]));
                    if (image == null) {
                        respond(exchange, 404, "{\"title\":\"Not Found\",\"status\":404,\"detail\":\"no such dataset image\"}");
                        return;
                    }
                    exchange.getResponseHeaders().add("Content-Type", "image/png");
                    exchange.sendResponseHeaders(200, image.length);
                    exchange.getResponseBody().write(image);
                    return;
                } else if (parts[0].equals("jobs") && parts[2].equals("loras")) {
                    loraRequests.add(parts[1] + "/" + parts[3] + "?" + exchange.getRequestURI().getQuery());
                    notifyAll();
                    byte[] lora = loraFiles.get(UUID.fromString(parts[3]));
                    if (loraStatus != 200 || lora == null) {
                        int code = loraStatus != 200 ? loraStatus : 404;
                        respond(exchange, code, "{\"title\":\"Error\",\"status\":" + code + ",\"detail\":\"no such LoRA\"}");
                        return;
                    }
                    exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
                    exchange.sendResponseHeaders(200, lora.length);
                    exchange.getResponseBody().write(lora);
                    return;
                } else if (parts[2].equals("heartbeat")) {
                    heartbeats.add(new Beat(UUID.fromString(parts[1]), JSON.readValue(body, Heartbeat.class)));
                    status = heartbeatStatus;
                    answer = new HeartbeatResponse(30, cancel);
                } else if (parts[2].equals("input-image")) {
                    byte[] image = inputImages.get(UUID.fromString(parts[1]));
                    if (inputImageStatus != 200 || image == null) {
                        int code = inputImageStatus != 200 ? inputImageStatus : 404;
                        respond(exchange, code, "{\"title\":\"Error\",\"status\":" + code + ",\"detail\":\"no input image here\"}");
                        return;
                    }
                    exchange.getResponseHeaders().add("Content-Type", inputImageTypes.get(UUID.fromString(parts[1])));
                    exchange.sendResponseHeaders(200, image.length);
                    exchange.getResponseBody().write(image);
                    return;
                } else if (parts[2].equals("upload-urls")) {
                    if (!directUploads) {
                        respond(exchange, 404, "{\"title\":\"Direct upload is off\",\"status\":404}");
                        return;
                    }
                    UploadUrlsRequest request = JSON.readValue(body, UploadUrlsRequest.class);
                    List<UploadUrls.Target> targets = new ArrayList<>();
                    for (int n = 0; n < request.images().size(); n++) {
                        String key = "uploads/" + parts[1] + "/" + request.attempt() + "/" + n + ".png";
                        targets.add(new UploadUrls.Target(key, baseUrl() + "/bucket/" + key,
                                java.util.Map.of("Content-Type", "image/png", "Content-MD5", request.images().get(n).md5())));
                    }
                    status = 200;
                    answer = new UploadUrls(targets, 300);
                } else if (parts[2].equals("complete") && String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"))
                        .startsWith("application/json")) {
                    keyedCompletions.add(JSON.readValue(body, UploadedCompletion.class));
                    status = completeStatus;
                    answer = new JobOutcome("SUCCEEDED");
                } else if (parts[2].equals("complete")) {
                    Form form = Form.parse(exchange.getRequestHeaders().getFirst("Content-Type"), body);
                    completions.add(new Completion(UUID.fromString(parts[1]), form.attempt(), form.images()));
                    status = completeStatus;
                    answer = new JobOutcome("SUCCEEDED");
                } else if (parts[2].equals("preview")) {
                    previews.add(body);
                    status = 204;
                    answer = null;
                } else if (parts[2].equals("handback")) {
                    handBacks.add(new HandBack(UUID.fromString(parts[1]), JSON.readValue(body, HandBackRequest.class)));
                    status = 200;
                    answer = new JobOutcome("QUEUED");
                } else {
                    FailRequest fail = JSON.readValue(body, FailRequest.class);
                    failures.add(new Failure(UUID.fromString(parts[1]), fail));
                    status = 200;
                    answer = new JobOutcome(fail.retryable() ? "QUEUED" : "FAILED");
                }
            }
            if (status == 204) {
                exchange.sendResponseHeaders(204, -1);
            } else if (status != 200) {
                respond(exchange, status, "{\"title\":\"Conflict\",\"status\":" + status + ",\"detail\":\"attempt is stale\"}");
            } else {
                respond(exchange, 200, JSON.writeValueAsString(answer));
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", status == 200 ? "application/json" : "application/problem+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Parses the multipart/form-data body of complete: the attempt part and the image parts. */
    private record Form(int attempt, List<Part> images) {

        static Form parse(String contentType, byte[] body) {
            String boundary = contentType.substring(contentType.indexOf("boundary=") + "boundary=".length());
            String text = new String(body, StandardCharsets.ISO_8859_1);
            int attempt = -1;
            List<Part> images = new ArrayList<>();
            for (String chunk : text.split("--" + boundary)) {
                if (chunk.isEmpty() || chunk.startsWith("--")) {
                    continue;
                }
                int split = chunk.indexOf("\r\n\r\n");
                String headers = chunk.substring(2, split);
                String content = chunk.substring(split + 4, chunk.length() - 2);
                String name = between(headers, "name=\"", "\"");
                if (name.equals(WorkerApi.ATTEMPT_PART)) {
                    attempt = Integer.parseInt(content);
                } else {
                    String type = headers.lines().filter(l -> l.startsWith("Content-Type: ")).findFirst().orElse("")
                            .substring("Content-Type: ".length());
                    images.add(new Part(name, between(headers, "filename=\"", "\""), type,
                            content.getBytes(StandardCharsets.ISO_8859_1)));
                }
            }
            return new Form(attempt, images);
        }

        private static String between(String text, String start, String end) {
            int from = text.indexOf(start) + start.length();
            return text.substring(from, text.indexOf(end, from));
        }
    }
}
