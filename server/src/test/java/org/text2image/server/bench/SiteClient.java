package org.text2image.server.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.InputStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One signed-in browser: its own cookie jar (the session cookie), the CSRF token of its session,
 * and the site's pages and forms over HTTP, exactly as a browser sends them (no redirects followed).
 */
final class SiteClient {

    private static final Pattern CSRF_INPUT = Pattern.compile("<input[^>]*name=\"_csrf\"[^>]*>");
    private static final Pattern VALUE = Pattern.compile("value=\"([^\"]+)\"");
    private static final Pattern IMAGE_LINK = Pattern.compile("(?:href|src)=\"(/images/[^\"]+)\"");
    private static final Pattern SIGNED_IMAGE = Pattern.compile("src=\"(/i/[^\"/?]+\\?[^\"]+)\"");
    private static final Pattern JOB_LOCATION = Pattern.compile("/jobs/([0-9a-fA-F-]{36})");

    private static final String PASSWORD = "correct horse battery";

    private final URI base;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http;
    private String csrf;

    SiteClient(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * Registers {@code email} through the form, then signs in through the sign-in form (registering
     * signs nobody in), and keeps the signed-in session's CSRF token.
     */
    SiteClient register(String email) throws Exception {
        csrf = csrfOf(page("/register"));
        expectRedirect(post("/register", Map.of("email", email, "password", PASSWORD)), "/register?sent", "registration of " + email);
        csrf = csrfOf(page("/login"));
        expectRedirect(post("/login", Map.of("username", email, "password", PASSWORD)), "/generate", "sign-in of " + email);
        csrf = csrfOf(page("/generate"));
        return this;
    }

    private static void expectRedirect(HttpResponse<String> answer, String path, String what) {
        String location = answer.headers().firstValue("Location").orElse("");
        if (answer.statusCode() != 302 || !location.endsWith(path)) {
            throw new IllegalStateException(what + " answered " + answer.statusCode() + " " + location);
        }
    }

    /** The {@code Cookie} header value this browser sends (the session cookie). */
    String cookieHeader() {
        return cookies.getCookieStore().get(base).stream().map(c -> c.getName() + "=" + c.getValue())
                .collect(Collectors.joining("; "));
    }

    /** Posts the Generate form (the default model, 512×512); returns the new job's id, or null when not accepted. */
    UUID submit(String prompt) throws Exception {
        HttpResponse<String> answer = post("/generate", generateForm(prompt));
        String location = answer.headers().firstValue("Location").orElse("");
        Matcher job = JOB_LOCATION.matcher(location);
        return answer.statusCode() == 302 && job.find() ? UUID.fromString(job.group(1)) : null;
    }

    /** The body {@link #submit} posts, with this session's CSRF token, URL-encoded. */
    String submitBody(String prompt) {
        return encoded(generateForm(prompt));
    }

    private static Map<String, String> generateForm(String prompt) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("modelId", "sd15");
        form.put("prompt", prompt);
        form.put("negativePrompt", "");
        form.put("width", "512");
        form.put("height", "512");
        form.put("batchSize", "1");
        form.put("seed", "");
        form.put("steps", "20");
        form.put("cfgScale", "7");
        form.put("sampler", "euler");
        form.put("scheduler", "normal");
        return form;
    }

    /**
     * Reads the job page's event stream until the job's final state; returns that state
     * ({@code SUCCEEDED}, {@code FAILED}, {@code CANCELLED}), or the last state seen when the
     * stream ends without one.
     */
    String awaitFinalState(UUID job) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/jobs/" + job + "/events"))
                .header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> answer = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        String last = "none (HTTP " + answer.statusCode() + ")";
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.startsWith("data:")) {
                    continue;
                }
                for (String state : new String[] {"SUCCEEDED", "FAILED", "CANCELLED"}) {
                    if (line.contains("\"" + state + "\"")) {
                        return state;
                    }
                }
                last = line;
            }
        }
        return last;
    }

    /** The path of the job's first full image as its page links it ({@code /images/…}), or null. */
    String imagePath(UUID job) throws Exception {
        for (String path : new String[] {"/jobs/" + job + "/status", "/jobs/" + job}) {
            Matcher link = IMAGE_LINK.matcher(page(path));
            while (link.find()) {
                String found = link.group(1).replace("&amp;", "&");
                if (!found.contains("download") && !found.contains("thumb")) {
                    return found;
                }
            }
        }
        return null;
    }

    /** The signed URL the job page shows its first image with ({@code /i/…?v=&exp=&sig=}), or null. */
    String signedImagePath(UUID job) throws Exception {
        Matcher link = SIGNED_IMAGE.matcher(page("/jobs/" + job));
        return link.find() ? link.group(1).replace("&amp;", "&") : null;
    }

    /** GETs {@code path}; the body's bytes (fails on any answer but 200). */
    byte[] bytes(String path) throws Exception {
        HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(base.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + answer.statusCode());
        }
        return answer.body();
    }

    private String page(String path) throws Exception {
        return new String(bytes(path), StandardCharsets.UTF_8);
    }

    private HttpResponse<String> post(String path, Map<String, String> fields) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encoded(fields))).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String encoded(Map<String, String> fields) {
        Map<String, String> all = new LinkedHashMap<>(fields);
        all.put("_csrf", csrf);
        return all.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static String csrfOf(String html) {
        Matcher input = CSRF_INPUT.matcher(html);
        if (!input.find()) {
            throw new IllegalStateException("no CSRF token on the page");
        }
        Matcher value = VALUE.matcher(input.group());
        if (!value.find()) {
            throw new IllegalStateException("the CSRF input has no value");
        }
        return value.group(1);
    }
}
