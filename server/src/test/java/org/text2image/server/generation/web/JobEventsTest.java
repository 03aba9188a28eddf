package org.text2image.server.generation.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
import org.text2image.server.generation.LeasedJob;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.Viewer;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.DatabaseSignals;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;

/** {@code GET /jobs/{id}/events} over real HTTP: a signed-in browser's stream, read line by line. */
@IntegrationTest
class JobEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @LocalServerPort int port;
    @Autowired AccountService accounts;
    @Autowired DatabaseSignals signals;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired TestDatabase db;

    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse");
        accounts.register("bob@example.com", "correct horse");
    }

    @Test
    void streamsEachChangeOfStateAndStepThenAFinalEventAndCloses() throws Exception {
        JobView job = submit();
        HttpClient browser = signedIn("alice@example.com");
        HttpResponse<InputStream> response = browser.send(get("/jobs/" + job.id() + "/events"),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/event-stream"));
        BlockingQueue<String> events = readEvents(response.body());

        assertThat(next(events)).contains("\"status\":\"QUEUED\"").contains("\"queuePosition\":1");
        LeasedJob claimed = queue.claim("test-worker", TestCatalog.CHECKPOINTS).orElseThrow();
        assertThat(next(events)).contains("\"status\":\"RUNNING\"").contains("\"step\":0");
        queue.heartbeat(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, 7, 20, true);
        assertThat(next(events)).contains("\"step\":7").contains("\"totalSteps\":20").contains("\"final\":false");
        queue.heartbeat(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, 7, 20, true);
        queue.complete(job.id(), claimed.attempt(), WorkerIdentity.CONFIGURED, TestImages.result(db, job.id()));
        assertThat(next(events)).as("an unchanged heartbeat sends nothing")
                .contains("\"status\":\"SUCCEEDED\"").contains("\"final\":true");
        assertThat(events.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("stream closed after the final event")
                .isEqualTo(END);
    }

    @Test
    void aChangeWrittenByAnotherServerInstanceReachesTheStream() throws Exception {
        JobView job = submit();
        HttpResponse<InputStream> response = signedIn("alice@example.com").send(get("/jobs/" + job.id() + "/events"),
                HttpResponse.BodyHandlers.ofInputStream());
        BlockingQueue<String> events = readEvents(response.body());
        assertThat(next(events)).contains("\"status\":\"QUEUED\"");

        // Another instance shares only the database: change the row behind this JVM's back.
        db.jdbc().sql("""
                UPDATE generation_job SET status = 'RUNNING', attempt = 1, worker_name = 'elsewhere',
                    lease_expires_at = now() + interval '1 minute', attempt_deadline_at = now() + interval '5 minutes',
                    progress_step = 3, progress_total = 20 WHERE id = ?""").params(job.id()).update();

        assertThat(next(events)).contains("\"status\":\"RUNNING\"").contains("\"step\":3");
        response.body().close();
    }

    @Test
    void refusesStreamsBeyondTheCap() {
        JobView job = submit();
        Viewer owner = new Viewer(alice.id(), false);
        JobEventStreams streams = new JobEventStreams(generation,
                new JobEventProperties(Duration.ofMillis(100), null, Duration.ofSeconds(5), 1, 0), signals);
        streams.start();
        try {
            assertThat(streams.open(job.id(), owner)).isPresent();
            assertThat(streams.open(job.id(), owner)).as("second stream over a cap of 1").isEmpty();
        } finally {
            streams.stop();
        }
    }

    @Test
    void anotherUsersJobAndUnknownIdsAreNotFound() throws Exception {
        JobView job = submit();
        HttpClient bob = signedIn("bob@example.com");
        for (String id : List.of(job.id().toString(), "00000000-0000-0000-0000-000000000000", "not-a-uuid")) {
            HttpResponse<String> response = bob.send(get("/jobs/" + id + "/events"), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(id).isEqualTo(404);
            assertThat(response.body()).doesNotContain("QUEUED");
        }
    }

    @Test
    void signedOutClientsAreSentToSignIn() throws Exception {
        JobView job = submit();
        HttpResponse<String> response = HttpClient.newHttpClient().send(get("/jobs/" + job.id() + "/events"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValueSatisfying(to -> assertThat(to).endsWith("/login"));
    }

    private static final String END = "<end of stream>";

    /** Each event's data line, in order, then {@link #END}; read on a virtual thread. */
    private static BlockingQueue<String> readEvents(InputStream body) {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.startsWith("data:")) {
                        events.add(line.substring(5));
                    }
                }
            } catch (Exception e) {
                events.add("error: " + e);
            }
            events.add(END);
        });
        return events;
    }

    private static String next(BlockingQueue<String> events) throws InterruptedException {
        String event = events.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(event).as("an event within %s", WAIT).isNotNull().isNotEqualTo(END);
        return event;
    }

    private HttpClient signedIn(String email) throws Exception {
        HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(WAIT).build();
        String login = client.send(get("/login"), HttpResponse.BodyHandlers.ofString()).body();
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(login);
        assertThat(csrf.find()).isTrue();
        String form = "username=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode("correct horse", StandardCharsets.UTF_8) + "&_csrf=" + csrf.group(1);
        HttpResponse<String> signIn = client.send(HttpRequest.newBuilder(uri("/login")).timeout(WAIT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signIn.headers().firstValue("Location")).hasValueSatisfying(to -> assertThat(to).endsWith("/generate"));
        return client;
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(uri(path)).header("Accept", "text/event-stream").timeout(WAIT).GET().build();
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private JobView submit() {
        return generation.submit(alice.id(), GenerationRequest.of("sd15", "a lighthouse"));
    }
}
