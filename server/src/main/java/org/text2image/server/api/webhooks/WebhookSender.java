package org.text2image.server.api.webhooks;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Makes one delivery attempt: checks the callback URL again ({@link CallbackUrls}: DNS may have
 * changed since it was set), then POSTs the body with the Standard Webhooks headers
 * ({@link WebhookSignatures}): {@code webhook-id} (the message id, the same on every retry),
 * {@code webhook-timestamp} (this attempt's Unix seconds) and {@code webhook-signature}, with
 * {@code Content-Type: application/json}. The client follows no redirect (a 3xx is a failed
 * attempt, as the spec advises), waits {@code connect-timeout} for the connection and
 * {@code request-timeout} for the response, and reads at most {@value #MAX_BODY_BYTES} bytes of the
 * response body (for the delivery log), for at most {@value #BODY_READ_SECONDS} seconds.
 */
@Component
class WebhookSender {

    /** Most response body bytes read, for the delivery log. */
    static final int MAX_BODY_BYTES = 2048;
    /** Longest error text kept (the {@code last_error} column's limit). */
    static final int MAX_ERROR_LENGTH = 500;
    private static final int BODY_READ_SECONDS = 5;

    private final HttpClient http;
    private final CallbackUrls urls;
    private final WebhookProperties properties;
    private final Clock clock;

    WebhookSender(CallbackUrls urls, WebhookProperties properties, Clock clock) {
        this.urls = urls;
        this.properties = properties;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(properties.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /**
     * One attempt.
     *
     * @param url the key's callback URL now
     * @param secret the key's signing secret now, {@code whsec_…}
     * @param msgId the delivery's message id
     * @param payload the body, JSON
     */
    Outcome send(String url, String secret, String msgId, String payload) {
        Optional<String> problem = urls.problem(url);
        if (problem.isPresent()) {
            return new Outcome(false, null, "Not sent: " + problem.get());
        }
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url.strip()))
                    .timeout(properties.requestTimeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Text2Image-Webhooks/1.0")
                    .header("webhook-id", msgId)
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .header("webhook-signature", WebhookSignatures.sign(secret, msgId, timestamp, payload))
                    .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8))
                    .build();
        } catch (IllegalArgumentException e) {
            return new Outcome(false, null, "Not sent: " + e.getMessage());
        }
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            String body = readSome(response.body());
            if (status >= 200 && status <= 299) {
                return new Outcome(true, status, null);
            }
            return new Outcome(false, status, "HTTP " + status + (body.isBlank() ? "" : ": " + body));
        } catch (HttpTimeoutException e) {
            return new Outcome(false, null, "No response within " + properties.requestTimeout().toSeconds() + " s.");
        } catch (ConnectException e) {
            return new Outcome(false, null, "Could not connect: " + (e.getMessage() == null ? e : e.getMessage()));
        } catch (IOException e) {
            return new Outcome(false, null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, null, "Interrupted: the server is stopping.");
        }
    }

    /** The start of the body, closed after {@value #BODY_READ_SECONDS} s at most (a slow body cannot stall us). */
    private static String readSome(InputStream body) {
        CompletableFuture.delayedExecutor(BODY_READ_SECONDS, TimeUnit.SECONDS).execute(() -> close(body));
        try (body) {
            return new String(body.readNBytes(MAX_BODY_BYTES), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void close(InputStream body) {
        try {
            body.close();
        } catch (IOException ignored) {
            // closing only stops the read
        }
    }

    /**
     * How an attempt went.
     *
     * @param delivered the receiver answered 2xx
     * @param statusCode the receiver's HTTP status; null without a response
     * @param error why it failed, printable and at most {@value #MAX_ERROR_LENGTH} characters; null when delivered
     */
    record Outcome(boolean delivered, Integer statusCode, String error) {

        Outcome {
            if (error != null) {
                String printable = error.replaceAll("[\\p{Cntrl}\\p{Cf}]+", " ").strip();
                error = printable.length() <= MAX_ERROR_LENGTH ? printable
                        : printable.substring(0, MAX_ERROR_LENGTH - 1) + "…";
            }
        }
    }
}
