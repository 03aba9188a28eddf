package org.text2image.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.EntryKind;
import org.text2image.server.credits.LedgerEntry;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.LeasedJob;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.WorkerAvailability;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.workers.TestWorkers;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Prometheus endpoint and the health probes (docs/OPERATIONS.md, docs/SECURITY.md): after a
 * scripted run — jobs submitted, one completed, one failed for good, one failed and retried, one
 * cancelled, one image served — every meter equals what the database says; the metrics are for
 * admins and the scraper's token only; the probes are public and show a status only; no other
 * actuator endpoint exists.
 */
@PageTest
class MetricsTest {

    static final String TOKEN = "test-metrics-token";
    static final Path DASHBOARD = Path.of("../deploy/grafana/text2image-dashboard.json");
    static final Path ALERTS = Path.of("../deploy/prometheus/alerts.yml");
    static final Path OPERATIONS = Path.of("../docs/OPERATIONS.md");
    static final Pattern METRIC = Pattern.compile("\\bt2i_[a-z0-9_]+");

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired CreditStatements statements;
    @Autowired LedgerInvariants invariants;
    @Autowired WorkerAvailability availability;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;

    SignedInUser admin;

    @BeforeEach
    void setUp() {
        db.clean();
        admin = TestAccounts.admin(accounts, db, "admin@example.com");
    }

    @AfterEach
    void booksBalance() {
        clock.reset();
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void afterARunEveryMeterEqualsWhatTheDatabaseSays() throws Exception {
        PrometheusText before = scrape();
        SignedInUser alice = accounts.register("alice@example.com", "correct horse");
        SignedInUser bob = accounts.register("bob@example.com", "correct horse");
        Map<Long, SignedInUser> users = Map.of(alice.id(), alice, bob.id(), bob, admin.id(), admin);
        TestWorkers.report(availability, "gpu-1", true, TestCatalog.CHECKPOINTS);
        for (int i = 0; i < 3; i++) {
            generation.submit(alice.id(), GenerationRequest.of("sd15", "a lighthouse " + i));
        }
        generation.submit(bob.id(), GenerationRequest.of("modelfree", "a test pattern"));
        generation.submit(bob.id(), GenerationRequest.of("sd15", "a fox"));

        LeasedJob succeeded = queue.claim("gpu-1", TestCatalog.CHECKPOINTS).orElseThrow();
        queue.complete(succeeded.jobId(), succeeded.attempt(), WorkerIdentity.CONFIGURED,
                TestImages.result(db, succeeded.jobId()));
        LeasedJob failed = queue.claim("gpu-1", TestCatalog.CHECKPOINTS).orElseThrow();
        queue.fail(failed.jobId(), failed.attempt(), WorkerIdentity.CONFIGURED, "ComfyUI refused the workflow", false);
        LeasedJob retried = queue.claim("gpu-1", TestCatalog.CHECKPOINTS).orElseThrow();
        queue.fail(retried.jobId(), retried.attempt(), WorkerIdentity.CONFIGURED, "CUDA out of memory", true);
        var queued = db.jdbc().sql("SELECT id, user_id FROM generation_job WHERE status = 'QUEUED' ORDER BY created_at, id LIMIT 1")
                .query((rs, n) -> Map.entry(rs.getObject(1, UUID.class), rs.getLong(2))).single();
        generation.cancel(queued.getKey(), queued.getValue());

        var image = db.jdbc().sql("SELECT i.id, i.size_bytes, j.user_id FROM job_image i JOIN generation_job j ON j.id = i.job_id")
                .query((rs, n) -> new Object[] {rs.getObject(1, UUID.class), rs.getLong(2), rs.getLong(3)}).single();
        byte[] served = mvc.perform(get("/images/" + image[0]).with(user(users.get((Long) image[2]))))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsByteArray();
        assertThat((long) served.length).isEqualTo((Long) image[1]);
        byte[] part = mvc.perform(get("/images/" + image[0]).with(user(users.get((Long) image[2])))
                        .header("Range", "bytes=0-99"))
                .andExpect(status().isPartialContent()).andReturn().getResponse().getContentAsByteArray();
        assertThat(part).hasSize(100);

        clock.advance(Duration.ofSeconds(10)); // past the gauges' 5 s cache
        PrometheusText after = scrape();

        // Queue depth by model and priority, and in all.
        List<Object[]> depth = db.jdbc().sql("SELECT model_id, priority, count(*) FROM generation_job WHERE status = 'QUEUED' GROUP BY 1, 2")
                .query((rs, n) -> new Object[] {rs.getString(1), rs.getInt(2), rs.getLong(3)}).list();
        assertThat(depth).isNotEmpty();
        for (Object[] group : depth) {
            assertThat(after.sum("t2i_queue_depth", "model", (String) group[0], "priority", group[1].toString()))
                    .as("queued %s priority %s", group[0], group[1]).isEqualTo(((Long) group[2]).doubleValue());
        }
        assertThat(after.sum("t2i_queue_depth")).isEqualTo(count("SELECT count(*) FROM generation_job WHERE status = 'QUEUED'"));
        assertThat(after.sum("t2i_queue_oldest_age_seconds", "model", "sd15")).isGreaterThanOrEqualTo(10);
        assertThat(after.sum("t2i_model_workers_busy")).isEqualTo(0);

        // Jobs submitted and ended, per model (and status).
        for (String model : List.of("sd15", "modelfree")) {
            assertThat(delta(before, after, "t2i_jobs_submitted_total", "model", model)).as("submitted %s", model)
                    .isEqualTo(count("SELECT count(*) FROM generation_job WHERE model_id = '" + model + "'"));
            for (String state : List.of("SUCCEEDED", "FAILED", "CANCELLED")) {
                assertThat(delta(before, after, "t2i_jobs_ended_total", "model", model, "status", state.toLowerCase(Locale.ROOT)))
                        .as("%s %s", model, state).isEqualTo(count("SELECT count(*) FROM generation_job WHERE model_id = '"
                                + model + "' AND status = '" + state + "'"));
            }
        }

        // Attempts, failures by reason, time in queue and run time.
        assertThat(delta(before, after, "t2i_job_attempts_total")).isEqualTo(count("SELECT count(*) FROM generation_attempt"));
        assertThat(delta(before, after, "t2i_job_failures_total", "reason", "worker_permanent", "outcome", "failed")).isEqualTo(1);
        assertThat(delta(before, after, "t2i_job_failures_total", "reason", "worker_error", "outcome", "retried")).isEqualTo(1);
        assertThat(delta(before, after, "t2i_job_failures_total"))
                .isEqualTo(count("SELECT count(*) FROM generation_attempt WHERE outcome IN ('FAILED', 'RETRIED')"));
        assertThat(delta(before, after, "t2i_job_queue_wait_seconds_count"))
                .isEqualTo(count("SELECT count(*) FROM generation_attempt WHERE attempt = 1"));
        assertThat(delta(before, after, "t2i_job_run_seconds_count", "outcome", "succeeded")).isEqualTo(1);
        assertThat(delta(before, after, "t2i_job_run_seconds_count"))
                .isEqualTo(count("SELECT count(*) FROM generation_attempt WHERE ended_at IS NOT NULL AND outcome <> 'CANCELLED'"));

        // Credits moved, from the ledger's own statements of every account.
        Map<EntryKind, Long> ledger = new HashMap<>();
        for (SignedInUser user : List.of(alice, bob)) { // the admin's signup grant came before the first scrape
            for (LedgerEntry entry : statements.entries(user.id(), CreditStatements.MAX_ENTRIES)) {
                ledger.merge(entry.kind(), entry.amountCredits(), Long::sum);
            }
        }
        assertThat(ledger.get(EntryKind.CAPTURE)).isPositive();
        assertThat(ledger.get(EntryKind.RELEASE)).isPositive();
        for (EntryKind kind : EntryKind.values()) {
            assertThat(delta(before, after, "t2i_credits_total", "movement", kind.name().toLowerCase(Locale.ROOT)))
                    .as("credits %s", kind).isEqualTo(ledger.getOrDefault(kind, 0L).doubleValue());
        }

        // Workers, mails, payments, streams, bytes.
        assertThat(after.sum("t2i_workers_online")).isEqualTo(1);
        assertThat(after.sum("t2i_workers_unreachable")).isEqualTo(0);
        assertThat(after.sum("t2i_model_workers_online", "model", "sd15")).isEqualTo(1);
        assertThat(after.sum("t2i_model_workers_online", "model", "modelfree")).isEqualTo(1);
        assertThat(after.sum("t2i_mail_pending")).isEqualTo(count("SELECT count(*) FROM mail_outbox WHERE status = 'PENDING'"));
        for (String state : List.of("AWAITING_UTR", "PENDING_REVIEW", "CHECKOUT_OPEN", "APPROVED", "PAID")) {
            assertThat(after.sum("t2i_payments", "state", state.toLowerCase(Locale.ROOT)))
                    .isEqualTo(count("SELECT count(*) FROM payment WHERE state = '" + state + "'"));
        }
        assertThat(after.has("t2i_sse_streams")).isTrue();
        assertThat(delta(before, after, "t2i_images_served_bytes_total", "route", "image"))
                .isEqualTo(served.length + part.length);
    }

    @Test
    void theMetricsAreForAdminsAndTheScrapersTokenOnly() throws Exception {
        SignedInUser alice = accounts.register("alice@example.com", "correct horse");
        mvc.perform(get("/actuator/prometheus")).andExpect(status().isUnauthorized());
        mvc.perform(get("/actuator/prometheus").header(HttpHeaders.AUTHORIZATION, "Bearer not-the-token"))
                .andExpect(status().isUnauthorized());
        mvc.perform(get("/actuator/prometheus").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN + "x"))
                .andExpect(status().isUnauthorized());
        mvc.perform(get("/actuator/prometheus").with(user(alice))).andExpect(status().isNotFound());
        mvc.perform(get("/actuator/prometheus").with(user(alice)).header(HttpHeaders.AUTHORIZATION, "Bearer wrong"))
                .andExpect(status().isUnauthorized());
        var scraped = mvc.perform(get("/actuator/prometheus").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN))
                .andExpect(status().isOk()).andExpect(header().doesNotExist(HttpHeaders.SET_COOKIE)).andReturn();
        assertThat(scraped.getRequest().getSession(false)).as("a scrape makes no session").isNull();
        assertThat(scraped.getResponse().getContentAsString()).contains("t2i_queue_depth");
        mvc.perform(get("/actuator/prometheus").with(user(admin))).andExpect(status().isOk());
    }

    @Test
    void theHealthProbesArePublicAndShowOnlyTheirStatus() throws Exception {
        for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
            mvc.perform(get(probe)).andExpect(status().isOk())
                    .andExpect(content().json("{\"status\":\"UP\"}", JsonCompareMode.STRICT));
        }
        // the whole: its status and the probes' names, no components or details
        mvc.perform(get("/actuator/health")).andExpect(status().isOk())
                .andExpect(content().json("{\"status\":\"UP\",\"groups\":[\"liveness\",\"readiness\"]}",
                        JsonCompareMode.STRICT));
    }

    @Test
    void noOtherActuatorEndpointExists() throws Exception {
        for (String path : List.of("/actuator/env", "/actuator/beans", "/actuator/configprops", "/actuator/heapdump",
                "/actuator/loggers", "/actuator/metrics", "/actuator/threaddump", "/actuator/mappings", "/actuator")) {
            mvc.perform(get(path).with(user(admin))).andExpect(status().isNotFound());
            mvc.perform(get(path)).andExpect(status().isUnauthorized());
            mvc.perform(get(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)).andExpect(status().isUnauthorized());
        }
        mvc.perform(get("/actuator/info").with(user(admin))).andExpect(status().isOk());
    }

    @Test
    void theDashboardAndAlertsUseOnlyExportedMetricsAndEveryMetricIsDocumented() throws Exception {
        SignedInUser alice = accounts.register("alice@example.com", "correct horse");
        TestWorkers.report(availability, "gpu-1", true, TestCatalog.CHECKPOINTS);
        generation.submit(alice.id(), GenerationRequest.of("sd15", "a lighthouse"));
        generation.submit(alice.id(), GenerationRequest.of("sd15", "a fox"));
        LeasedJob done = queue.claim("gpu-1", TestCatalog.CHECKPOINTS).orElseThrow();
        queue.complete(done.jobId(), done.attempt(), WorkerIdentity.CONFIGURED, TestImages.result(db, done.jobId()));
        LeasedJob failed = queue.claim("gpu-1", TestCatalog.CHECKPOINTS).orElseThrow();
        queue.fail(failed.jobId(), failed.attempt(), WorkerIdentity.CONFIGURED, "CUDA out of memory", false);
        Set<String> exported = scrape().names();

        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
        assertThat(dashboard.path("panels").size()).isGreaterThan(10);
        List<String> expressions = new ArrayList<>();
        dashboard.findValues("expr").forEach(expr -> expressions.add(expr.asString()));
        Map<String, Object> alerts = new Yaml().load(Files.readString(ALERTS));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> groups = (List<Map<String, Object>>) alerts.get("groups");
        List<String> alertNames = new ArrayList<>();
        for (Map<String, Object> group : groups) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> rules = (List<Map<String, Object>>) group.get("rules");
            for (Map<String, Object> rule : rules) {
                alertNames.add((String) rule.get("alert"));
                assertThat(rule).containsKeys("expr", "for", "labels", "annotations");
                expressions.add((String) rule.get("expr"));
            }
        }
        assertThat(alertNames).contains("Text2ImageQueueStuck", "Text2ImageNoWorkerForModel",
                "Text2ImageJobFailureRateHigh", "Text2ImageMailOutboxBacklog");

        Set<String> used = new TreeSet<>();
        for (String expression : expressions) {
            Matcher metric = METRIC.matcher(expression);
            while (metric.find()) {
                used.add(metric.group());
            }
        }
        assertThat(used).hasSizeGreaterThan(15);
        assertThat(exported).containsAll(used);

        String operations = Files.readString(OPERATIONS);
        Set<String> families = new TreeSet<>();
        exported.stream().filter(name -> name.startsWith("t2i_"))
                .forEach(name -> families.add(name.replaceFirst("_(bucket|count|sum|max)$", "")));
        assertThat(families).allSatisfy(family -> assertThat(operations).as("docs/OPERATIONS.md names " + family)
                .contains("`" + family));
    }

    /** What Prometheus would read with the scraper's token. */
    PrometheusText scrape() throws Exception {
        String text = mvc.perform(get("/actuator/prometheus").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        return PrometheusText.parse(text);
    }

    private double count(String sql) {
        return db.jdbc().sql(sql).query(Long.class).single().doubleValue();
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }
}
