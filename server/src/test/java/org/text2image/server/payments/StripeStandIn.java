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
 * A local stand-in for Stripe's API, for the calls the site makes (form-encoded, bracketed keys such
 * as {@code metadata[pack_id]}), answered in the shapes of Stripe's API reference:
 * <ul>
 *   <li>{@code POST /v1/checkout/sessions}: a Checkout Session ({@code cs_test_…}, its {@code mode},
 *       a hosted page {@code url}, {@code status} {@code open}); {@code GET /v1/checkout/sessions/<id>}
 *       reads it; {@code POST /v1/checkout/sessions/<id>/expire} expires an {@code open} one and
 *       answers an {@code invalid_request_error} for one that is not ({@link #completeSession} marks
 *       one paid);
 *   <li>{@code POST /v1/products}: the product with the given {@code id}; the same id again gets
 *       Stripe's {@code resource_already_exists} error;
 *   <li>{@code GET /v1/subscriptions/<id>} and {@code POST /v1/subscriptions/<id>}: a subscription
 *       registered with {@link #subscription}, updated by the call ({@code cancel_at_period_end},
 *       {@code items[0][price_data]}, {@code metadata}); {@code DELETE /v1/subscriptions/<id>} cancels it
 *       at once; {@code resource_missing} (404) for another id;
 *   <li>{@code POST /v1/billing_portal/sessions}: a portal session with its {@code url}.
 * </ul>
 * Records each call's method, path, form fields and headers. {@link #failNext} makes the next call
 * answer Stripe's error shape; {@link #declineNextUpgrade} makes the next update with
 * {@code payment_behavior=pending_if_incomplete} answer with a {@code pending_update}.
 */
final class StripeStandIn implements AutoCloseable {

    /** One call: its decoded form fields and its {@code Idempotency-Key} and {@code Authorization} headers. */
    record Call(String method, String path, Map<String, String> form, String idempotencyKey, String authorization) {
    }

    /** A subscription as the stand-in keeps it. */
    static final class Sub {
        final String id;
        final String customer;
        final String itemId;
        volatile String product;
        volatile long amount;
        volatile String currency;
        volatile String interval;
        volatile boolean cancelAtPeriodEnd;
        volatile boolean canceled;
        volatile long periodStart;
        volatile long periodEnd;
        final Map<String, String> metadata = new java.util.concurrent.ConcurrentHashMap<>();

        Sub(String id, String customer, String product, long amount, String interval, long periodStart, long periodEnd) {
            this.id = id;
            this.customer = customer;
            this.itemId = "si_" + id.substring(4);
            this.product = product;
            this.amount = amount;
            this.currency = "inr";
            this.interval = interval;
            this.periodStart = periodStart;
            this.periodEnd = periodEnd;
        }

        String json(boolean pending) {
            StringBuilder meta = new StringBuilder();
            metadata.forEach((k, v) -> meta.append(meta.isEmpty() ? "" : ", ").append('"').append(k).append("\": \"")
                    .append(v).append('"'));
            return """
                    {"id": "%s", "object": "subscription", "customer": "%s", "status": "%s",
                     "cancel_at_period_end": %s, "cancel_at": null, "canceled_at": null, "ended_at": null,
                     "currency": "%s", "metadata": {%s}, "pending_update": %s,
                     "items": {"object": "list", "has_more": false, "url": "/v1/subscription_items?subscription=%s",
                       "data": [{"id": "%s", "object": "subscription_item", "subscription": "%s", "quantity": 1,
                                 "current_period_start": %d, "current_period_end": %d,
                                 "price": {"id": "price_standIn%s", "object": "price", "active": false,
                                           "currency": "%s", "unit_amount": %d, "product": "%s", "type": "recurring",
                                           "recurring": {"interval": "%s", "interval_count": 1}}}]}}"""
                    .formatted(id, customer, canceled ? "canceled" : "active", cancelAtPeriodEnd, currency, meta, pending
                                    ? "{\"expires_at\": " + (periodStart + 82_800) + ", \"subscription_items\": []}" : "null",
                            id, itemId, id, periodStart, periodEnd, Math.abs(product.hashCode()), currency, amount, product,
                            interval);
        }
    }

    private final Map<String, Sub> subscriptions = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Set<String> products = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean declineNextUpgrade;

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger sessions = new AtomicInteger();
    private final Map<String, String> checkoutStatus = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean failNext;

    StripeStandIn() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            Map<String, String> form = form(body);
            calls.add(new Call(exchange.getRequestMethod(), path, form,
                    exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                    exchange.getRequestHeaders().getFirst("Authorization")));
            int status = 200;
            String answer;
            if (failNext) {
                failNext = false;
                status = 400;
                answer = """
                        {"error": {"type": "invalid_request_error", "message": "Invalid currency"}}""";
            } else if (path.startsWith("/v1/checkout/sessions/") && checkoutStatus.containsKey(sessionId(path))) {
                String id = sessionId(path);
                if (path.endsWith("/expire") && !checkoutStatus.replace(id, "open", "expired")) {
                    status = 400;
                    answer = """
                            {"error": {"type": "invalid_request_error",
                             "message": "Only Checkout Sessions with a status in [\\"open\\"] can be expired."}}""";
                } else {
                    answer = """
                            {"id": "%s", "object": "checkout.session", "mode": "subscription", "status": "%s"}"""
                            .formatted(id, checkoutStatus.get(id));
                }
            } else if (path.equals("/v1/checkout/sessions")) {
                String id = "cs_test_a1StandIn" + sessions.incrementAndGet();
                checkoutStatus.put(id, "open");
                answer = """
                        {"id": "%s", "object": "checkout.session", "mode": "%s", "status": "open",
                         "payment_status": "unpaid", "url": "https://checkout.stripe.com/c/pay/%s"}"""
                        .formatted(id, form.getOrDefault("mode", "payment"), id);
            } else if (path.equals("/v1/products")) {
                String id = form.get("id");
                if (!products.add(id)) {
                    status = 400;
                    answer = """
                            {"error": {"type": "invalid_request_error", "code": "resource_already_exists",
                             "message": "Product already exists.", "param": "id"}}""";
                } else {
                    answer = """
                            {"id": "%s", "object": "product", "active": true, "name": "%s"}""".formatted(id, form.get("name"));
                }
            } else if (path.equals("/v1/billing_portal/sessions")) {
                answer = """
                        {"id": "bps_standIn%d", "object": "billing_portal.session", "customer": "%s", "return_url": "%s",
                         "url": "https://billing.stripe.com/p/session/test_standIn%d"}"""
                        .formatted(sessions.incrementAndGet(), form.get("customer"), form.get("return_url"), sessions.get());
            } else if (path.startsWith("/v1/subscriptions/") && subscriptions.containsKey(path.substring(18))) {
                Sub sub = subscriptions.get(path.substring(18));
                boolean pending = false;
                if ("DELETE".equals(exchange.getRequestMethod())) {
                    sub.canceled = true;
                } else if ("POST".equals(exchange.getRequestMethod())) {
                    pending = declineNextUpgrade && "pending_if_incomplete".equals(form.get("payment_behavior"));
                    declineNextUpgrade = false;
                    if (!pending) {
                        update(sub, form);
                    }
                }
                answer = sub.json(pending);
            } else {
                status = 404;
                answer = """
                        {"error": {"type": "invalid_request_error", "code": "resource_missing",
                         "message": "No such resource: '%s'"}}""".formatted(path);
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Request-Id", "req_standin");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    /** Marks a Checkout Session this stand-in created as paid ({@code status} {@code complete}). */
    void completeSession(String id) {
        checkoutStatus.put(id, "complete");
    }

    /** The status of a Checkout Session this stand-in created: {@code open}, {@code expired} or {@code complete}. */
    String sessionStatus(String id) {
        return checkoutStatus.get(id);
    }

    private static String sessionId(String path) {
        String rest = path.substring("/v1/checkout/sessions/".length());
        return rest.endsWith("/expire") ? rest.substring(0, rest.length() - "/expire".length()) : rest;
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
        declineNextUpgrade = false;
        subscriptions.clear();
        checkoutStatus.clear();
    }

    /** Registers a subscription as Stripe would hold it after a checkout: one item, the product's price. */
    Sub subscription(String id, String customer, String product, long amount, String interval, long periodStart,
                     long periodEnd) {
        Sub sub = new Sub(id, customer, product, amount, interval, periodStart, periodEnd);
        subscriptions.put(id, sub);
        return sub;
    }

    /** The next update with {@code payment_behavior=pending_if_incomplete} cannot take the payment. */
    void declineNextUpgrade() {
        declineNextUpgrade = true;
    }

    /** An update as Stripe applies it: the fields the site sends. */
    private static void update(Sub sub, Map<String, String> form) {
        if (form.containsKey("cancel_at_period_end")) {
            sub.cancelAtPeriodEnd = Boolean.parseBoolean(form.get("cancel_at_period_end"));
        }
        if (form.containsKey("items[0][price_data][product]")) {
            sub.product = form.get("items[0][price_data][product]");
            sub.amount = Long.parseLong(form.get("items[0][price_data][unit_amount]"));
            sub.currency = form.get("items[0][price_data][currency]");
            sub.interval = form.get("items[0][price_data][recurring][interval]");
        }
        form.forEach((key, value) -> {
            if (key.startsWith("metadata[")) {
                sub.metadata.put(key.substring(9, key.length() - 1), value);
            }
        });
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
