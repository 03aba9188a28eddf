package org.text2image.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.CookieManager;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.SecurityHeaders;
import org.text2image.server.support.TestDatabase;

/**
 * Every kind of answer carries the security headers (CSP, Referrer-Policy, Permissions-Policy,
 * frame denial, nosniff), over real HTTP so the signed image fast path and Tomcat's forwarded
 * header handling ({@code server.forward-headers-strategy=native}) take part; behind a TLS proxy
 * ({@code X-Forwarded-Proto: https}) redirects are {@code https://}, the session cookie is
 * {@code Secure} and HSTS is sent, and only then.
 */
@PageTest
class SecurityHeadersTest {

    private static final Pattern SIGNED_IMAGE = Pattern.compile("(/i/[0-9a-f-]+\\?[^\"]+)\"");

    @Autowired AccountService accounts;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired TestDatabase db;
    @LocalServerPort int port;

    BrowserSession alice;
    JobView job;
    UUID imageId;

    @BeforeEach
    void setUp() throws Exception {
        db.clean();
        SignedInUser owner = accounts.register("alice@example.com", "correct horse battery");
        job = generation.submit(owner.id(), GenerationRequest.of("sd15", "a lighthouse"));
        imageId = TestImages.complete(queue, generation, job, owner);
        alice = new BrowserSession(port).signIn("alice@example.com", "correct horse battery");
    }

    @Test
    void pagesImagesEventsErrorsAndTheWorkerApiAllCarryTheSecurityHeaders() throws Exception {
        String jobPage = alice.get("/jobs/" + job.id()).body();
        Matcher signed = SIGNED_IMAGE.matcher(jobPage);
        assertThat(signed.find()).as("the job page shows a signed image URL").isTrue();
        String signedImage = signed.group(1).replace("&amp;", "&");

        assertSecurityHeaders(alice.get("/generate"), 200);
        assertSecurityHeaders(alice.get("/jobs/" + job.id()), 200);
        assertSecurityHeaders(alice.get("/images/" + imageId), 200);
        assertSecurityHeaders(alice.get(signedImage), 200);
        assertSecurityHeaders(alice.get("/no-such-page"), 404);
        assertSecurityHeaders(new BrowserSession(port).get("/login"), 200);
        assertSecurityHeaders(headersOnly(alice, "/jobs/" + job.id() + "/events"), 200);
        assertSecurityHeaders(plain().send(HttpRequest.newBuilder(alice.url("/api/worker/v1/claim/cancel"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString()), 401);
    }

    @Test
    void plainHttpGetsNoHstsAndNoSecureCookie() throws Exception {
        HttpResponse<String> login = plain().send(HttpRequest.newBuilder(alice.url("/login")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(login.headers().firstValue("Strict-Transport-Security")).isEmpty();
        assertThat(login.headers().allValues("Set-Cookie")).anySatisfy(cookie ->
                assertThat(cookie).startsWith("SESSION=").doesNotContainIgnoringCase("Secure"));
    }

    @Test
    void behindATlsProxyRedirectsAreHttpsTheSessionCookieIsSecureAndHstsIsSent() throws Exception {
        HttpResponse<String> redirect = plain().send(viaProxy("/generate").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location")).hasValueSatisfying(location ->
                assertThat(location).startsWith("https://").endsWith("/login"));

        HttpResponse<String> login = plain().send(viaProxy("/login").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.headers().firstValue("Strict-Transport-Security"))
                .hasValue("max-age=" + SecurityHeaders.HSTS_MAX_AGE_SECONDS + " ; includeSubDomains");
        assertThat(login.headers().allValues("Set-Cookie")).anySatisfy(cookie ->
                assertThat(cookie).startsWith("SESSION=").containsIgnoringCase("; Secure"));
        assertSecurityHeaders(login, 200);
    }

    private HttpRequest.Builder viaProxy(String path) {
        return HttpRequest.newBuilder(alice.url(path)).header("Accept", "text/html")
                .header("X-Forwarded-Proto", "https").header("X-Forwarded-For", "203.0.113.9");
    }

    private static HttpClient plain() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    }

    /** The status and headers of an event stream, which stays open: the body is not read. */
    private static HttpResponse<?> headersOnly(BrowserSession session, String path) throws Exception {
        HttpResponse<InputStream> stream = session.http().send(HttpRequest.newBuilder(session.url(path))
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        stream.body().close();
        return stream;
    }

    private static void assertSecurityHeaders(HttpResponse<?> response, int status) throws IOException {
        HttpHeaders headers = response.headers();
        assertThat(response.statusCode()).as(response.uri().getPath()).isEqualTo(status);
        assertThat(headers.firstValue("Content-Security-Policy")).as(response.uri().getPath())
                .hasValue(SecurityHeaders.CONTENT_SECURITY_POLICY);
        assertThat(headers.firstValue("Content-Security-Policy").orElseThrow())
                .contains("script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe");
        assertThat(headers.firstValue("Referrer-Policy")).as(response.uri().getPath()).hasValue("same-origin");
        assertThat(headers.firstValue("Permissions-Policy")).as(response.uri().getPath())
                .hasValueSatisfying(policy -> assertThat(policy).contains("camera=()", "microphone=()", "geolocation=()"));
        assertThat(headers.firstValue("X-Frame-Options")).as(response.uri().getPath()).hasValue("DENY");
        assertThat(headers.firstValue("X-Content-Type-Options")).as(response.uri().getPath()).hasValue("nosniff");
    }
}
