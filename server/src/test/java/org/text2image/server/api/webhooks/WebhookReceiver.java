package org.text2image.server.api.webhooks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver on {@code 127.0.0.1} at a free port that keeps every request and checks its
 * Standard Webhooks signature on its own (its own HMAC, not the server's code): the secret after
 * {@code whsec_} Base64-decoded is the key, {@code id.timestamp.body} the message, and one of the
 * space-delimited {@code v1,} entries must match in constant time.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One request as received. */
    record Received(String method, String contentType, String id, String timestamp, String signature, String body,
                    boolean signatureValid) {
    }

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();
    private final AtomicInteger answer = new AtomicInteger(200);
    private volatile String secret;

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                var headers = exchange.getRequestHeaders();
                String id = headers.getFirst("webhook-id");
                String timestamp = headers.getFirst("webhook-timestamp");
                String signature = headers.getFirst("webhook-signature");
                synchronized (received) {
                    received.add(new Received(exchange.getRequestMethod(), headers.getFirst("Content-Type"), id,
                            timestamp, signature, body, verifies(id, timestamp, signature, body)));
                }
                byte[] reply = ("answer " + answer.get()).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(answer.get(), reply.length);
                exchange.getResponseBody().write(reply);
            }
        });
        server.start();
    }

    /** {@code http://127.0.0.1:<port>/hook}. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** The signing secret to verify with, {@code whsec_…}. */
    void verifyWith(String secret) {
        this.secret = secret;
    }

    /** The HTTP status the receiver answers from now on. */
    void answer(int status) {
        answer.set(status);
    }

    List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    private boolean verifies(String id, String timestamp, String header, String body) {
        if (secret == null || id == null || timestamp == null || header == null) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            byte[] expected = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            for (String entry : header.split(" ")) {
                if (entry.startsWith("v1,") && MessageDigest.isEqual(expected,
                        Base64.getDecoder().decode(entry.substring(3)))) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
