package org.text2image.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.CreditExpiry;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.credits.LotSource;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.LeasedJob;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.help.SupportChat;
import org.text2image.server.notifications.MailOutbox;
import org.text2image.server.notifications.OutboxDelivery;
import org.text2image.server.settings.LiveSettings;
import org.text2image.server.settings.SettingsEditor;
import org.text2image.server.support.Images;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.Races;
import org.text2image.server.support.SecondInstance;
import org.text2image.server.support.StreamStops;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.BrowserSession;
import org.text2image.server.web.RateLimitProperties.Limit;
import org.text2image.server.web.RateLimiter;
import org.text2image.server.workers.WaitingClaims;
import org.text2image.worker.api.ClaimRequest;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two server instances on one PostgreSQL: this test's context (A) and a second application context
 * (B, {@link SecondInstance}: its own port, pool, LISTEN connection and db-scheduler) sharing A's
 * database. Nothing either instance keeps in memory may make the other wrong: sessions, job events,
 * long-poll wake-ups, scheduled tasks and settings all travel through PostgreSQL. The last test
 * stops a third instance while a stream and a claim are open on it (docs/ARCHITECTURE.md, "In-memory
 * state and several instances").
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeveralInstancesTest {

    private static final String PASSWORD = "correct horse";
    private static final String TOKEN = "test-worker-token";
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String END = "<end of stream>";

    @LocalServerPort int portA;
    @Autowired DataSource dataSource;
    @Autowired TestDatabase db;
    @Autowired AccountService accounts;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired CreditLedger ledger;
    @Autowired CreditStatements statements;
    @Autowired CreditExpiry expiry;
    @Autowired OutboxDelivery outbox;
    @Autowired MailOutbox mails;
    @Autowired SupportChat chat;
    @Autowired SettingsEditor settingsEditor;
    @Autowired RateLimiter limiter;
    @Autowired LedgerInvariants invariants;
    @Autowired MutableClock clock;
    @Autowired ApplicationContext contextA;

    ConfigurableApplicationContext b;
    int portB;
    final HttpClient http = HttpClient.newHttpClient();
    SignedInUser alice;

    @BeforeAll
    void startSecondInstance() throws Exception {
        b = SecondInstance.start(dataSource);
        portB = ((WebServerApplicationContext) b).getWebServer().getPort();
    }

    @AfterAll
    void stopSecondInstance() {
        b.close();
    }

    @BeforeEach
    void setUp() {
        clock.reset();
        db.clean();
        alice = accounts.register("alice@example.com", PASSWORD);
    }

    @Test
    void aSessionSignedInOnOneInstanceIsValidOnTheOther() throws Exception {
        BrowserSession browser = new BrowserSession(portA).signIn("alice@example.com", PASSWORD);

        HttpResponse<String> onB = browser.http().send(HttpRequest.newBuilder(url(portB, "/account"))
                .header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(onB.statusCode()).as("the session cookie of A is a session on B").isEqualTo(200);
        assertThat(onB.body()).contains("alice@example.com");
    }

    @Test
    void aJobSubmittedOnOneInstanceAndCompletedThroughTheOthersWorkerApiStreamsToTheFirst() throws Exception {
        BrowserSession browser = new BrowserSession(portA).signIn("alice@example.com", PASSWORD);
        JobView job = generation.submit(alice.id(), GenerationRequest.of("sd15", "a lighthouse"));
        BlockingQueue<String> events = stream(browser, portA, job.id());
        assertThat(next(events)).contains("\"status\":\"QUEUED\"");

        HttpResponse<String> claim = workerCall(portB, "/claim", claimBody("gpu-b", 0));
        assertThat(claim.statusCode()).isEqualTo(200);
        LeasedJob leased = JSON.readValue(claim.body(), LeasedJob.class);
        assertThat(leased.jobId()).isEqualTo(job.id());
        assertThat(next(events)).contains("\"status\":\"RUNNING\"");
        assertThat(workerCall(portB, "/jobs/" + job.id() + "/heartbeat",
                "{\"attempt\": " + leased.attempt() + ", \"step\": 9, \"totalSteps\": 20, \"backendReachable\": true}")
                .statusCode()).isEqualTo(200);
        assertThat(next(events)).contains("\"step\":9");
        assertThat(complete(portB, job, leased.attempt()).statusCode()).isEqualTo(200);

        assertThat(next(events)).contains("\"status\":\"SUCCEEDED\"").contains("\"final\":true");
        assertThat(events.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("closed after the final event").isEqualTo(END);
        assertThat(invariants.violations()).isEmpty();

        Matcher signed = Pattern.compile("src=\"(/i/[^\"]+)\"").matcher(browser.get("/jobs/" + job.id()).body());
        assertThat(signed.find()).as("the job page on A shows a signed image URL").isTrue();
        HttpResponse<byte[]> image = http.send(HttpRequest.newBuilder(url(portB, signed.group(1).replace("&amp;", "&")))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(image.statusCode()).as("a URL signed on A works on B: one key in PostgreSQL").isEqualTo(200);
        assertThat(image.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("image/"));
    }

    @Test
    void aClaimWaitingOnOneInstanceIsWokenByASubmitOnTheOther() throws Exception {
        CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(
                workerRequest(portA, "/claim", claimBody("gpu-a", 20)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        await(() -> WaitingClaims.on(contextA) == 1);

        JobView job = b.getBean(GenerationService.class).submit(alice.id(), GenerationRequest.ofPrompt("a heron"));

        HttpResponse<String> answer = waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(JSON.readValue(answer.body(), LeasedJob.class).jobId()).isEqualTo(job.id());
    }

    @Test
    void eachRecurringTaskHasOneScheduleSharedByBothInstances() {
        List<Map<String, Object>> rows = db.jdbc().sql(
                "SELECT task_name, count(*) AS schedules FROM scheduled_tasks GROUP BY task_name ORDER BY task_name")
                .query().listOfRows();

        assertThat(rows).extracting(row -> (String) row.get("task_name")).contains("credit-expiry",
                "mail-outbox-delivery", "plan-grants", "overdue-attempts", "webhook-delivery");
        assertThat(rows).as("db-scheduler keeps one row per recurring task; the instance that picks it runs it")
                .allSatisfy(row -> assertThat(((Number) row.get("schedules")).longValue()).isEqualTo(1));
    }

    @Test
    void creditExpiryRacingOnBothInstancesExpiresALotOnce() throws Exception {
        clock.advance(Duration.ofDays(-1)); // B runs on the real clock: the lot must be over by it too
        assertThat(ledger.grant(alice.id(), 5, LotSource.ADMIN, clock.instant().plus(Duration.ofHours(1)),
                "test:instances", "promo")).isTrue();
        clock.reset();
        CreditExpiry other = b.getBean(CreditExpiry.class);

        List<Long> expired = Races.race(List.<Callable<Long>>of(expiry::expireAllDue, other::expireAllDue,
                expiry::expireAllDue, other::expireAllDue));

        assertThat(expired.stream().mapToLong(Long::longValue).sum()).as("this race or a scheduled run, once")
                .isLessThanOrEqualTo(5);
        assertThat(statements.balance(alice.id()).availableCredits()).isEqualTo(20);
        assertThat(db.jdbc().sql("SELECT count(*) FROM ledger_entry WHERE user_id = ? AND kind = 'EXPIRE'")
                .params(alice.id()).query(Long.class).single()).isEqualTo(1);
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void theMailOutboxRacingOnBothInstancesDeliversEachMailOnce() throws Exception {
        for (int i = 0; i < 6; i++) {
            mails.enqueue(alice.id(), "alice@example.com", "Note " + i, "Hello");
        }
        long pending = count("SELECT count(*) FROM mail_outbox WHERE status = 'PENDING'");
        assertThat(pending).isEqualTo(6);
        OutboxDelivery other = b.getBean(OutboxDelivery.class);

        List<Integer> delivered = Races.race(List.<Callable<Integer>>of(outbox::deliverDue, other::deliverDue,
                outbox::deliverDue, other::deliverDue));

        assertThat(delivered.stream().mapToInt(Integer::intValue).sum()).as("no mail twice (a scheduled run may take some)")
                .isLessThanOrEqualTo((int) pending);
        assertThat(count("SELECT count(*) FROM mail_outbox WHERE status = 'PENDING'")).isZero();
        assertThat(count("SELECT count(*) FROM mail_outbox WHERE attempts > 1")).isZero();
    }

    @Test
    void theOverdueReaperRacingOnBothInstancesReQueuesAJobOnce() throws Exception {
        JobView job = generation.submit(alice.id(), GenerationRequest.ofPrompt("a heron"));
        LeasedJob leased = queue.claim("gpu-gone", TestCatalog.CHECKPOINTS).orElseThrow();
        db.jdbc().sql("UPDATE generation_job SET lease_expires_at = now() - interval '1 minute' WHERE id = ?")
                .params(job.id()).update(); // its worker vanished a minute ago
        JobQueue other = b.getBean(JobQueue.class);

        List<Integer> reaped = Races.race(List.<Callable<Integer>>of(queue::reapOverdue, other::reapOverdue,
                queue::reapOverdue, other::reapOverdue));

        assertThat(reaped.stream().mapToInt(Integer::intValue).sum()).isEqualTo(1);
        assertThat(db.jdbc().sql("SELECT status FROM generation_job WHERE id = ?").params(job.id())
                .query(String.class).single()).isEqualTo("QUEUED");
        assertThat(queue.claim("gpu-a", TestCatalog.CHECKPOINTS).orElseThrow().attempt())
                .as("the next attempt, after the vanished one").isEqualTo(leased.attempt() + 1);
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void aSettingChangedOnOneInstanceIsInForceOnTheOther() throws Exception {
        SignedInUser admin = TestAccounts.admin(accounts, db, "admin@example.com");
        LiveSettings onB = b.getBean(LiveSettings.class);
        int before = onB.current().maxWidth();
        try {
            settingsEditor.change(admin.id(), Map.of("max-width", "768"));

            await(() -> onB.current().maxWidth() == 768);
        } finally {
            settingsEditor.change(admin.id(), Map.of("max-width", Integer.toString(before)));
            db.jdbc().sql("DELETE FROM app_setting").update();
        }
    }

    @Test
    void sharedRateLimitsHoldAcrossInstancesAndTheInMemoryOnesPerInstance() throws Exception {
        Limit threePerHour = new Limit(3, Duration.ofHours(1));
        RateLimiter other = b.getBean(RateLimiter.class);
        String shared = "submit-account:" + UUID.randomUUID() + "@example.com";
        String local = "api-key:" + UUID.randomUUID();

        List<Boolean> takenShared = Races.race(List.<Callable<Boolean>>of(
                () -> limiter.takeShared(shared, threePerHour).isZero(), () -> other.takeShared(shared, threePerHour).isZero(),
                () -> limiter.takeShared(shared, threePerHour).isZero(), () -> other.takeShared(shared, threePerHour).isZero(),
                () -> limiter.takeShared(shared, threePerHour).isZero(), () -> other.takeShared(shared, threePerHour).isZero()));
        long takenOnA = IntStream.range(0, 5).filter(i -> limiter.take(local, threePerHour).isZero()).count();
        long takenOnB = IntStream.range(0, 5).filter(i -> other.take(local, threePerHour).isZero()).count();

        assertThat(takenShared).as("sign-ins, mails and submits: one bucket in PostgreSQL for both instances")
                .filteredOn(Boolean::booleanValue).hasSize(3);
        assertThat(takenOnA).as("the per-API-key limit: each instance holds its own").isEqualTo(3);
        assertThat(takenOnB).as("so the site allows at most the limit times the instances").isEqualTo(3);
    }

    @Test
    void aStoppingInstanceEndsItsStreamsWithARetryHintAndHandsItsWaitingClaimsBack() throws Exception {
        ConfigurableApplicationContext c = SecondInstance.start(dataSource);
        int portC = ((WebServerApplicationContext) c).getWebServer().getPort();
        BrowserSession browser = new BrowserSession(portA).signIn("alice@example.com", PASSWORD);
        JobView streamed = generation.submit(alice.id(), GenerationRequest.of("sd15", "a lighthouse"));
        BlockingQueue<String> lines = streamLines(browser, url(portC, "/jobs/" + streamed.id() + "/events"));
        await(() -> lines.stream().anyMatch(line -> line.startsWith("data:")));
        assertThat(chat.write(alice.id(), "Hello", "", "", UUID.randomUUID().toString())).isTrue();
        BlockingQueue<String> chatLines = streamLines(browser, url(portC, "/support/events"));
        await(() -> chatLines.stream().anyMatch(line -> line.startsWith("data:")));
        assertThat(queue.claim("gpu-busy", TestCatalog.CHECKPOINTS)).isPresent(); // the queue is empty now
        CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(
                workerRequest(portC, "/claim", claimBody("gpu-c", 20)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        await(() -> WaitingClaims.on(c) == 1);

        c.close();

        assertThat(waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).as("answered no job at once")
                .isEqualTo(204);
        await(() -> lines.contains(END) && chatLines.contains(END));
        assertThat(lines).as("the job page's stream").contains("retry:" + StreamStops.RECONNECT_AFTER.toMillis(),
                ":" + StreamStops.COMMENT);
        assertThat(chatLines).as("the support chat's stream").contains("retry:" + StreamStops.RECONNECT_AFTER.toMillis(),
                ":" + StreamStops.COMMENT);
        JobView next = generation.submit(alice.id(), GenerationRequest.ofPrompt("a heron"));
        assertThat(queue.claim("gpu-c", TestCatalog.CHECKPOINTS).orElseThrow().jobId())
                .as("the worker claims again elsewhere and nothing was leased to the ended claim").isEqualTo(next.id());
    }

    private long count(String sql) {
        return db.jdbc().sql(sql).query(Long.class).single();
    }

    private static URI url(int port, String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private static String claimBody(String worker, int waitSeconds) {
        return JSON.writeValueAsString(new ClaimRequest(worker, true, TestCatalog.CHECKPOINTS, null, null, null, null,
                waitSeconds));
    }

    private HttpResponse<String> workerCall(int port, String path, String json) throws Exception {
        return http.send(workerRequest(port, path, json).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder workerRequest(int port, String path, String json) {
        return HttpRequest.newBuilder(url(port, "/api/worker/v1" + path)).timeout(WAIT)
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    /** The worker's completion: multipart {@code attempt} and one {@code image} part per image of the job's batch. */
    private HttpResponse<String> complete(int port, JobView job, int attempt) throws Exception {
        String boundary = "instances-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"attempt\"\r\n\r\n" + attempt
                + "\r\n").getBytes(StandardCharsets.UTF_8));
        byte[] png = Images.png(job.parameters().width(), job.parameters().height());
        for (int i = 0; i < job.parameters().batchSize(); i++) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"out-" + i
                    + ".png\"\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(png);
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(url(port, "/api/worker/v1/jobs/" + job.id() + "/complete")).timeout(WAIT)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Each event's data, in order, then {@link #END}. */
    private static BlockingQueue<String> stream(BrowserSession browser, int port, UUID jobId) throws Exception {
        BlockingQueue<String> lines = streamLines(browser, url(port, "/jobs/" + jobId + "/events"));
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    String line = lines.take();
                    if (line.startsWith("data:")) {
                        events.add(line.substring(5));
                    } else if (line.equals(END)) {
                        events.add(END);
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return events;
    }

    /** Every line of the event stream at {@code url}, then {@link #END}. */
    private static BlockingQueue<String> streamLines(BrowserSession browser, URI url) throws Exception {
        HttpResponse<InputStream> response = browser.http().send(HttpRequest.newBuilder(url)
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (Exception e) {
                lines.add("error: " + e);
            }
            lines.add(END);
        });
        return lines;
    }

    private static String next(BlockingQueue<String> events) throws InterruptedException {
        String event = events.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(event).as("an event within %s", WAIT).isNotNull().isNotEqualTo(END);
        return event;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition met within %s", WAIT).isLessThan(end);
            Thread.sleep(10);
        }
    }
}
