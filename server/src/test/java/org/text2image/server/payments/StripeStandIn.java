package org.text2image.server.payments;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for Stripe's API, for the one call the site makes: {@code POST
 * /v1/checkout/sessions} (form-encoded, bracketed keys such as {@code metadata[pack_id]}), answered
 * with a Checkout Session object whose id is {@code cs_test_…} and whose {@code url} is a hosted
 * page address. Records each call's form fields and headers. {@link #failNext} makes it answer
 * Stripe's error shape instead.
 */
final class StripeStandIn implements AutoCloseable {

    /** One call: its decoded form fields and its {@code Idempotency-Key} and {@code Authorization} headers. */
    record Call(Map<String, String> form, String idempotencyKey, String authorization) {
    }

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger sessions = new AtomicInteger();
    private volatile boolean failNext;

    StripeStandIn() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/checkout/sessions", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            calls.add(new Call(form(body), exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                    exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] answer;
            int status;
            if (failNext) {
                failNext = false;
                status = 400;
                answer = """
                        {"error": {"type": "invalid_request_error", "message": "Invalid currency"}}""".getBytes(StandardCharsets.UTF_8);
            } else {
                status = 200;
                String id = "cs_test_a1StandIn" + sessions.incrementAndGet();
                answer = ("""
                        {"id": "%s", "object": "checkout.session", "mode": "payment", "status": "open",
                         "payment_status": "unpaid", "url": "https://checkout.stripe.com/c/pay/%s"}""")
                        .formatted(id, id).getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Request-Id", "req_standin");
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    /** The base URL to give as {@code text2image.payments.stripe.api-base}. */
    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    void reset() {
        calls.clear();
        failNext = false;
    }

    /** The next call gets a Stripe error (400, {@code invalid_request_error}). */
    void failNext() {
        failNext = true;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (!pair.isEmpty()) {
                int eq = pair.indexOf('=');
                fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
