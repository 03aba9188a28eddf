package org.text2image.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser's session over real HTTP (java.net.http): a cookie jar with the session cookie, the
 * CSRF token of the last form page read, and no redirect following (tests look at the 302s).
 * Needed where MockMvc is not enough: concurrent requests of one session, firewall rejections.
 */
public final class BrowserSession {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    private final int port;
    private String csrf;
    private String clientIp;

    public BrowserSession(int port) {
        this.port = port;
    }

    /**
     * Makes this session's requests come from {@code ip}, as a reverse proxy on loopback reports it
     * ({@code X-Forwarded-For}; honoured with {@code server.forward-headers-strategy=native}).
     */
    public BrowserSession from(String ip) {
        this.clientIp = ip;
        return this;
    }

    /** Signs in with the sign-in form; fails the test when it does not lead to /generate. */
    public BrowserSession signIn(String email, String password) throws IOException, InterruptedException {
        readCsrf("/login");
        HttpResponse<String> login = post("/login", Map.of("username", email, "password", password));
        assertThat(login.headers().firstValue("Location")).as("sign-in redirect")
                .hasValueSatisfying(location -> assertThat(location).endsWith("/generate"));
        return this;
    }

    /** GETs a page and keeps its CSRF token for the next posts. */
    public HttpResponse<String> readCsrf(String path) throws IOException, InterruptedException {
        HttpResponse<String> page = get(path);
        Matcher m = CSRF.matcher(page.body());
        assertThat(m.find()).as("a CSRF token on " + path).isTrue();
        csrf = m.group(1);
        return page;
    }

    /** A GET as a browser sends it (Accept: text/html). */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(builder(path).header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8").GET().build());
    }

    /** A form POST with the CSRF token added; values are URL-encoded as UTF-8. */
    public HttpResponse<String> post(String path, Map<String, String> form) throws IOException, InterruptedException {
        String body = form.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&", "", "&_csrf=" + encode(csrf)));
        return send(builder(path).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** Sends any request within this session. */
    public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The HTTP client of this session (its cookie jar holds the session cookie). */
    public HttpClient http() {
        return http;
    }

    /** The absolute URL of a path on the test server (the path is used as given, not encoded). */
    public URI url(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private HttpRequest.Builder builder(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url(path));
        return clientIp == null ? builder : builder.header("X-Forwarded-For", clientIp);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
