package org.text2image.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.text2image.worker.api.ClaimCancel;
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
import org.text2image.worker.comfyui.Preview;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Client of the server's worker API (paths and codes in {@link WorkerApi}): JSON bodies, a bearer
 * token on every call. Thread-safe.
 *
 * <p>Errors: 401/403 → {@link WorkerAuthException}; 409 → {@link StaleAttemptException}; network
 * errors, timeouts and 5xx → {@link WorkerApiUnavailableException} (retry later); other answers →
 * {@link WorkerApiException} with the problem detail's text. An interrupted calling thread keeps its
 * interrupt flag and gets a {@link WorkerApiUnavailableException}.
 */
public final class WorkerApiClient implements AutoCloseable {

    /** Largest answer read (a claimed job carries its workflow), in bytes. */
    public static final int MAX_ANSWER_BYTES = 8 * 1024 * 1024;

    /**
     * The slowest upload rate a completion is given time for, in bytes per second (1 MiB/s): an
     * upload's answer timeout is the request timeout plus one second per MiB sent
     * ({@link #uploadTimeout}), so a 300 MiB video gets 5 minutes more than an image.
     */
    public static final long UPLOAD_FLOOR_BYTES_PER_SECOND = 1024L * 1024;

    /** Largest input image read from the server ({@link #inputImage}), in bytes: 64 MiB. */
    public static final int MAX_INPUT_IMAGE_BYTES = 64 * 1024 * 1024;

    /** Reads and writes the API's JSON; unknown properties are ignored, so a newer server can add some. */
    static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final URI base;
    private final String token;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final boolean ownsHttp;

    /**
     * @param serverUrl the server's address, such as {@code https://t2i.example.com}
     * @param token the worker token (sent as {@code Authorization: Bearer})
     * @param connectTimeout how long to wait for a TCP connection
     * @param requestTimeout how long to wait for each answer, uploads included
     */
    public WorkerApiClient(URI serverUrl, String token, Duration connectTimeout, Duration requestTimeout) {
        this(serverUrl, token, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout).build(), requestTimeout, true);
    }

    /** As above with a caller-owned {@link HttpClient}. */
    public WorkerApiClient(URI serverUrl, String token, HttpClient http, Duration requestTimeout) {
        this(serverUrl, token, http, requestTimeout, false);
    }

    private WorkerApiClient(URI serverUrl, String token, HttpClient http, Duration requestTimeout, boolean ownsHttp) {
        this.ownsHttp = ownsHttp;
        String url = Objects.requireNonNull(serverUrl, "serverUrl").toString().replaceAll("/+$", "");
        this.base = URI.create(url + WorkerApi.BASE_PATH + "/");
        this.token = Objects.requireNonNull(token, "token");
        this.http = Objects.requireNonNull(http, "http");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    /**
     * {@code POST /claim}: a leased job (200), or empty when there is no work (204) — after up to
     * {@link ClaimRequest#waitSeconds()} when it asks to wait (the answer timeout grows by as much).
     */
    public Optional<ClaimedJob> claim(ClaimRequest request) {
        HttpRequest post = json("claim", request, requestTimeout.plusSeconds(request.waitSeconds()));
        return claimed(send(post));
    }

    private static Optional<ClaimedJob> claimed(ApiAnswer answer) {
        return answer.status() == 204 ? Optional.empty() : Optional.of(answer.as(ClaimedJob.class, "claim"));
    }

    /**
     * {@link #claim} without blocking: the future completes with the answer, or exceptionally with
     * the exception {@code claim} would throw (see {@link #unwrap}). Cancelling it abandons the call.
     */
    public CompletableFuture<Optional<ClaimedJob>> claimAsync(ClaimRequest request) {
        HttpRequest post = json("claim", request, requestTimeout.plusSeconds(request.waitSeconds()));
        String what = post.method() + " " + post.uri();
        return http.sendAsync(post, HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(response -> claimed(ApiAnswer.of(what, response)));
    }

    /**
     * The exception a blocking call would have thrown for {@code failure}, the cause of a failed
     * {@link #claimAsync} future: a {@link WorkerApiException} as is, network errors and timeouts as
     * {@link WorkerApiUnavailableException}.
     */
    public static WorkerApiException unwrap(Throwable failure, String call) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof WorkerApiException e) {
            return e;
        }
        if (cause instanceof UncheckedIOException e) {
            cause = e.getCause();
        }
        if (cause instanceof HttpTimeoutException) {
            return new WorkerApiUnavailableException(call + " timed out", cause);
        }
        return new WorkerApiUnavailableException(call + " failed: " + describe(cause), cause);
    }

    /** {@code POST /claim/cancel}: ends this worker's waiting long-poll claims (they answer 204). */
    public void cancelClaims(String workerName) {
        send(json("claim/cancel", new ClaimCancel(workerName))).expectDone("cancel claims");
    }

    /**
     * {@code POST /jobs/{id}/preview?attempt=N}: the latest live preview (the image bytes as the
     * body, {@code image/jpeg} or {@code image/png}); the server shows it on the job page.
     *
     * @throws StaleAttemptException on 409: the attempt is no longer ours
     */
    public void preview(UUID jobId, int attempt, Preview preview) {
        HttpRequest request = request("jobs/" + jobId + "/preview?" + WorkerApi.ATTEMPT_PART + "=" + attempt)
                .header("Content-Type", preview.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(preview.bytes())).build();
        send(request).expectDone("preview");
    }

    /**
     * {@code POST /jobs/{id}/handback}: gives the job back unfinished; no attempt is used.
     *
     * @throws StaleAttemptException on 409: the attempt is no longer ours
     */
    public JobOutcome handBack(UUID jobId, HandBackRequest request) {
        return send(json("jobs/" + jobId + "/handback", request)).as(JobOutcome.class, "handback");
    }

    /**
     * {@code POST /jobs/{id}/heartbeat}: extends the lease and reports progress.
     *
     * @throws StaleAttemptException on 409: the attempt is no longer ours
     */
    public HeartbeatResponse heartbeat(UUID jobId, Heartbeat heartbeat) {
        return send(json("jobs/" + jobId + "/heartbeat", heartbeat)).as(HeartbeatResponse.class, "heartbeat");
    }

    /**
     * {@code POST /jobs/{id}/complete} as multipart/form-data: part {@code attempt}, then one part
     * {@code image} per file, with its Content-Type ({@code image/png}, {@code video/mp4}, …); a file
     * held on disk (a video) is streamed from it, never read into memory.
     *
     * @throws StaleAttemptException on 409: a stale or duplicate completion, nothing was stored
     */
    public JobOutcome complete(UUID jobId, int attempt, List<ImageFile> images) {
        return send(completeRequest(jobId, attempt, images)).as(JobOutcome.class, "complete");
    }

    /**
     * The multipart completion request, its answer timeout grown with the body's length
     * ({@link #uploadTimeout}).
     */
    HttpRequest completeRequest(UUID jobId, int attempt, List<ImageFile> images) {
        Multipart form = Multipart.completion(WorkerApi.ATTEMPT_PART, attempt, WorkerApi.IMAGE_PART, images);
        HttpRequest.BodyPublisher body = form.body();
        return request("jobs/" + jobId + "/complete", uploadTimeout(requestTimeout, body.contentLength()))
                .header("Content-Type", form.contentType()).POST(body).build();
    }

    /**
     * How long to wait for the answer to an upload of {@code bytes}: {@code base} plus one second per
     * started MiB, the time the body takes at {@link #UPLOAD_FLOOR_BYTES_PER_SECOND}. An unknown
     * length (negative) gets {@code base}. Example: base 60 s, 300 MiB → 360 s.
     */
    public static Duration uploadTimeout(Duration base, long bytes) {
        if (bytes <= 0) {
            return base;
        }
        long seconds = (bytes + UPLOAD_FLOOR_BYTES_PER_SECOND - 1) / UPLOAD_FLOOR_BYTES_PER_SECOND;
        return base.plusSeconds(seconds);
    }

    /**
     * {@code POST /jobs/{id}/upload-urls}: presigned {@code PUT} URLs of the bucket for the attempt's
     * images (direct worker upload), or empty when the server answers 404 (it takes no direct
     * uploads: complete with multipart).
     *
     * @throws StaleAttemptException on 409: the attempt is no longer ours
     */
    public Optional<UploadUrls> uploadUrls(UUID jobId, UploadUrlsRequest request) {
        ApiAnswer answer = send(json("jobs/" + jobId + "/upload-urls", request));
        return answer.status() == 404 ? Optional.empty() : Optional.of(answer.as(UploadUrls.class, "upload-urls"));
    }

    /**
     * {@code PUT}s one image to its presigned URL with exactly the headers the server signed (no
     * worker token: the URL itself is the permission).
     *
     * @throws WorkerApiException when the bucket does not answer 200 (the status and the start of
     *     its answer in the message); {@link WorkerApiUnavailableException} on network errors
     */
    public void upload(UploadUrls.Target target, byte[] bytes) {
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(target.url()))
                .timeout(uploadTimeout(requestTimeout, bytes.length))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
        target.headers().forEach(put::header);
        ApiAnswer answer = send(put.build());
        if (answer.status() != 200) {
            String body = new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8);
            throw new WorkerApiException("the bucket refused the upload of " + target.key() + ": HTTP " + answer.status()
                    + (body.isBlank() ? "" : " " + body.substring(0, Math.min(200, body.length())).strip()));
        }
    }

    /**
     * {@code POST /jobs/{id}/complete} as JSON after a direct upload: the keys, sizes and MD5s.
     *
     * @throws StaleAttemptException on 409: a stale or duplicate completion, nothing was stored
     * @throws WorkerApiException on 400: an object was missing or not acceptable; nothing was stored
     */
    public JobOutcome completeUploaded(UUID jobId, UploadedCompletion completion) {
        return send(json("jobs/" + jobId + "/complete", completion)).as(JobOutcome.class, "complete");
    }

    /**
     * An image-to-video job's input image as the server sent it.
     *
     * @param contentType the answer's {@code Content-Type} without parameters, such as {@code image/png}
     * @param bytes the image file
     */
    public record InputImageBytes(String contentType, byte[] bytes) {
    }

    /**
     * {@code GET /jobs/{id}/input-image?attempt=N}: the input image of the attempt this worker holds,
     * read into memory (at most {@link #MAX_INPUT_IMAGE_BYTES}).
     *
     * @throws StaleAttemptException on 409: the attempt is no longer ours
     * @throws WorkerApiException on 404 (the job has none) or another refusal, or an image over the limit
     * @throws WorkerApiUnavailableException on network errors, timeouts and 5xx
     */
    public InputImageBytes inputImage(UUID jobId, int attempt) {
        HttpRequest request = request("jobs/" + jobId + "/input-image?" + WorkerApi.ATTEMPT_PART + "=" + attempt)
                .setHeader("Accept", "image/*, application/problem+json").GET().build();
        return exchange(request, (what, response) -> {
            if (response.statusCode() != 200) {
                ApiAnswer.of(what, response).expectDone("input-image");
                throw new WorkerApiException(what + " answered HTTP " + response.statusCode());
            }
            try (java.io.InputStream in = response.body()) {
                byte[] bytes = in.readNBytes(MAX_INPUT_IMAGE_BYTES + 1);
                if (bytes.length > MAX_INPUT_IMAGE_BYTES) {
                    throw new WorkerApiException(what + " answered more than " + MAX_INPUT_IMAGE_BYTES + " bytes");
                }
                String type = response.headers().firstValue("Content-Type").orElse("")
                        .split(";")[0].strip().toLowerCase(java.util.Locale.ROOT);
                return new InputImageBytes(type, bytes);
            }
        });
    }

    /**
     * {@code POST /jobs/{id}/fail}.
     *
     * @throws StaleAttemptException on 409: the attempt is no longer ours
     */
    public JobOutcome fail(UUID jobId, FailRequest request) {
        return send(json("jobs/" + jobId + "/fail", request)).as(JobOutcome.class, "fail");
    }

    /**
     * {@code POST /trainings/{id}/heartbeat}: extends a training's lease and reports its steps
     * ({@link Heartbeat#step()} = training steps done of {@link Heartbeat#totalSteps()}).
     *
     * @throws StaleAttemptException on 409: the attempt is no longer ours
     */
    public HeartbeatResponse trainingHeartbeat(UUID trainingId, Heartbeat heartbeat) {
        return send(json("trainings/" + trainingId + "/heartbeat", heartbeat)).as(HeartbeatResponse.class, "training heartbeat");
    }

    /**
     * {@code GET /trainings/{id}/images/{imageId}?attempt=N}: one dataset image, streamed into
     * {@code target} (created or replaced), at most {@link #MAX_INPUT_IMAGE_BYTES}.
     *
     * @return the bytes written
     * @throws StaleAttemptException on 409: the attempt is no longer ours
     * @throws WorkerApiException on 404 or another refusal, or an image over the limit (the file is then removed)
     * @throws WorkerApiUnavailableException on network errors, timeouts and 5xx
     */
    public long trainingImage(UUID trainingId, UUID imageId, int attempt, Path target) {
        return download("trainings/" + trainingId + "/images/" + imageId + "?" + WorkerApi.ATTEMPT_PART + "=" + attempt,
                "training image", target, MAX_INPUT_IMAGE_BYTES);
    }

    /**
     * {@code POST /trainings/{id}/complete} as multipart/form-data: part {@code attempt}, then part
     * {@code lora} ({@code application/octet-stream}, filename {@code filename}) streamed from
     * {@code lora}, never read into memory. The answer timeout grows with the file ({@link #uploadTimeout}).
     *
     * @throws StaleAttemptException on 409: a stale or duplicate completion, nothing was stored
     * @throws WorkerApiException on 400: the server did not take the file as a LoRA
     */
    public JobOutcome completeTraining(UUID trainingId, int attempt, String filename, Path lora) {
        Multipart form = Multipart.completion(WorkerApi.ATTEMPT_PART, attempt, WorkerApi.LORA_PART,
                List.of(ImageFile.onDisk(filename, "application/octet-stream", lora)));
        HttpRequest.BodyPublisher body = form.body();
        HttpRequest request = request("trainings/" + trainingId + "/complete", uploadTimeout(requestTimeout, body.contentLength()))
                .header("Content-Type", form.contentType()).POST(body).build();
        return send(request).as(JobOutcome.class, "training complete");
    }

    /**
     * {@code POST /trainings/{id}/fail}.
     *
     * @throws StaleAttemptException on 409: the attempt is no longer ours
     */
    public JobOutcome failTraining(UUID trainingId, FailRequest request) {
        return send(json("trainings/" + trainingId + "/fail", request)).as(JobOutcome.class, "training fail");
    }

    /**
     * {@code POST /trainings/{id}/handback}: gives the training back unfinished; no attempt is used.
     *
     * @throws StaleAttemptException on 409: the attempt is no longer ours
     */
    public JobOutcome handBackTraining(UUID trainingId, HandBackRequest request) {
        return send(json("trainings/" + trainingId + "/handback", request)).as(JobOutcome.class, "training handback");
    }

    /**
     * {@code GET /jobs/{id}/loras/{loraId}?attempt=N}: a LoRA the job's claim named, streamed into
     * {@code target} (created or replaced), at most {@code maxBytes}.
     *
     * @return the bytes written
     * @throws StaleAttemptException on 409: the attempt is no longer ours
     * @throws WorkerApiException on 404 (the LoRA is gone) or another refusal, or a file over
     *     {@code maxBytes} (the file is then removed)
     * @throws WorkerApiUnavailableException on network errors, timeouts and 5xx
     */
    public long lora(UUID jobId, UUID loraId, int attempt, Path target, long maxBytes) {
        return download("jobs/" + jobId + "/loras/" + loraId + "?" + WorkerApi.ATTEMPT_PART + "=" + attempt, "lora",
                target, maxBytes);
    }

    /** Streams a 200 answer's body into {@code target}; any other answer is judged as {@link ApiAnswer} does. */
    private long download(String path, String call, Path target, long maxBytes) {
        HttpRequest request = request(path, uploadTimeout(requestTimeout, maxBytes))
                .setHeader("Accept", "*/*, application/problem+json").GET().build();
        return exchange(request, (what, response) -> {
            if (response.statusCode() != 200) {
                ApiAnswer.of(what, response).expectDone(call);
                throw new WorkerApiException(what + " answered HTTP " + response.statusCode());
            }
            boolean kept = false;
            try (InputStream in = response.body();
                 OutputStream out = Files.newOutputStream(target)) {
                long written = in.transferTo(new LimitedOutput(out, maxBytes));
                kept = true;
                return written;
            } catch (LimitedOutput.TooLong e) {
                throw new WorkerApiException(what + " answered more than " + maxBytes + " bytes");
            } finally {
                if (!kept) {
                    Files.deleteIfExists(target);
                }
            }
        });
    }

    /** An output that refuses to write past a limit. */
    private static final class LimitedOutput extends java.io.FilterOutputStream {

        static final class TooLong extends IOException {
        }

        private final long max;
        private long written;

        LimitedOutput(OutputStream out, long max) {
            super(out);
            this.max = max;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            written += len;
            if (written > max) {
                throw new TooLong();
            }
            out.write(b, off, len);
        }
    }

    /** Stops the HTTP client this object made (a caller-owned one is left alone); calls under way fail. */
    @Override
    public void close() {
        if (ownsHttp) {
            http.shutdownNow();
        }
    }

    private HttpRequest.Builder request(String path) {
        return request(path, requestTimeout);
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
    }

    private HttpRequest json(String path, Object body) {
        return json(path, body, requestTimeout);
    }

    private HttpRequest json(String path, Object body, Duration timeout) {
        return request(path, timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
    }

    private ApiAnswer send(HttpRequest request) {
        return exchange(request, ApiAnswer::of);
    }

    /** Reads an answer's stream; may throw what reading a stream throws. */
    @FunctionalInterface
    private interface AnswerReader<T> {
        T read(String what, HttpResponse<java.io.InputStream> response) throws IOException;
    }

    /**
     * Sends a request and reads its answer, with the network failures every call shares: a timeout,
     * an I/O error or an interrupt is a {@link WorkerApiUnavailableException} naming the call.
     */
    private <T> T exchange(HttpRequest request, AnswerReader<T> reader) {
        String what = request.method() + " " + request.uri();
        try {
            return reader.read(what, http.send(request, HttpResponse.BodyHandlers.ofInputStream()));
        } catch (HttpTimeoutException e) {
            throw new WorkerApiUnavailableException(what + " timed out", e);
        } catch (IOException e) {
            throw new WorkerApiUnavailableException(what + " failed: " + describe(e), e);
        } catch (UncheckedIOException e) {
            throw new WorkerApiUnavailableException(what + " failed: " + describe(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkerApiUnavailableException(what + " interrupted", e);
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage()
                : e instanceof java.net.ConnectException ? "connection refused" : e.getClass().getSimpleName();
    }
}
