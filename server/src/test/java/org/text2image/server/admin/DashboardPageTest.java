package org.text2image.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.LeasedJob;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.WorkerAvailability;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;
import org.text2image.server.workers.TestWorkers;

/**
 * The dashboard after a scripted day of jobs and payments: every figure is what the database says
 * (counted here with plain SQL over the same day) and what the script did, and links to its list.
 * The clock is moved to 01:00 of the next day (UTC, the test clock's zone), so the day's events
 * never straddle midnight, whenever the test runs.
 */
@PageTest
class DashboardPageTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired WorkerAvailability workers;
    @Autowired LedgerInvariants invariants;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;

    SignedInUser admin;
    SignedInUser alice;
    SignedInUser bob;

    @BeforeEach
    void setUp() {
        db.clean();
        clock.reset();
        admin = TestAccounts.admin(accounts, db, "admin@example.com");
        alice = accounts.register("alice@example.com", "correct horse battery");
        bob = accounts.register("bob@example.com", "correct horse battery");
    }

    @AfterEach
    void resetClock() {
        assertThat(invariants.violations()).isEmpty();
        clock.reset();
    }

    @Test
    void theFiguresAfterAScriptedDayAreWhatTheDatabaseSays() throws Exception {
        // Yesterday: an SDXL job that no worker of this script can run (it stays queued), and a purchase.
        JobView waiting = generation.submit(alice.id(), GenerationRequest.of("sdxl", "a job from yesterday"));
        buyAndApprove(alice, "creator", "49900");
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC)).plusDays(1);
        Instant dayStart = today.atStartOfDay(ZoneOffset.UTC).toInstant();
        clock.advance(Duration.between(clock.instant(), dayStart.plus(Duration.ofHours(1))));

        JobView done = submit(alice, "succeeds");
        queue.complete(done.id(), claim(done).attempt(), WorkerIdentity.CONFIGURED, TestImages.result(db, done.id()));
        clock.advance(Duration.ofHours(1));
        JobView retried = submit(bob, "fails after its retries");
        for (int attempt = 0; attempt < 3; attempt++) {
            queue.fail(retried.id(), claim(retried).attempt(), WorkerIdentity.CONFIGURED, "The worker stopped responding.", true);
        }
        clock.advance(Duration.ofHours(1));
        JobView refused = submit(bob, "fails at once");
        queue.fail(refused.id(), claim(refused).attempt(), WorkerIdentity.CONFIGURED, "Checkpoint missing", false);
        clock.advance(Duration.ofHours(1));
        SignedInUser carol = accounts.register("carol@example.com", "correct horse battery");
        claim(submit(carol, "still running"));
        submit(alice, "queued today");
        SignedInUser dave = accounts.register("dave@example.com", "correct horse battery");
        buyAndApprove(alice, "starter", "9900");
        openWithUtr(dave, "creator", "49900");
        db.jdbc().sql("""
                INSERT INTO payment (user_id, provider, state, reference, request_key, pack_id, credits, amount_minor,
                    currency, provider_reference, grant_key, created_at, decided_at)
                VALUES (?, 'STRIPE', 'PAID', 'STRIPE0001', 'stripe-test-1', 'dollars', 50, 499, 'USD', 'cs_test_1',
                    'stripe:cs_test_1', ?, ?)""").params(bob.id(), at(clock.instant()), at(clock.instant())).update();
        TestWorkers.report(workers, "gpu-one", true, TestCatalog.CHECKPOINTS);

        String html = page("/admin");

        Instant dayEnd = dayStart.plus(Duration.ofDays(1));
        assertThat(value(html, "stat-queued")).isEqualTo(count("status = 'QUEUED'")).isEqualTo(2);
        assertThat(value(html, "stat-running")).isEqualTo(count("status = 'RUNNING'")).isEqualTo(1);
        assertThat(value(html, "stat-today")).isEqualTo(countToday("true", dayStart, dayEnd)).isEqualTo(5);
        assertThat(value(html, "stat-succeeded")).isEqualTo(countToday("status = 'SUCCEEDED'", dayStart, dayEnd)).isEqualTo(1);
        assertThat(value(html, "stat-failed")).isEqualTo(countToday("status = 'FAILED'", dayStart, dayEnd)).isEqualTo(2);
        assertThat(value(html, "stat-workers")).isEqualTo(1);
        assertThat(value(html, "stat-pending")).isEqualTo(db.jdbc().sql("SELECT count(*) FROM payment WHERE state = 'PENDING_REVIEW'")
                .query(Long.class).single()).isEqualTo(1);
        assertThat(value(html, "stat-sold-today")).isEqualTo(sold(dayStart, dayEnd)).isEqualTo(150);
        Instant monday = today.with(java.time.temporal.TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY))
                .atStartOfDay(ZoneOffset.UTC).toInstant();
        assertThat(value(html, "stat-sold-week")).isEqualTo(sold(monday, monday.plus(Duration.ofDays(7))));
        assertThat(value(html, "stat-signups")).isEqualTo(db.jdbc().sql("SELECT count(*) FROM app_user WHERE created_at >= ? "
                + "AND created_at < ?").params(at(dayStart), at(dayEnd)).query(Long.class).single()).isEqualTo(2);
        assertThat(Html.textOf(html, "stat-oldest")).matches("\\d+ (h|d) \\d+ (min|h) oldest wait");
        assertThat(Html.attributeOf(html, "stat-oldest", "href")).isEqualTo("/admin/jobs/" + waiting.id());
        assertThat(Html.textOf(html, "failure-reasons")).contains("1 job : The worker stopped responding.", "1 job : Checkpoint missing");
        assertThat(Html.textOf(html, "revenue-INR")).startsWith("INR ₹99.00");
        assertThat(Html.textOf(html, "revenue-USD")).startsWith("USD $4.99 $4.99 $4.99");
        Instant hoursStart = clock.instant().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(23));
        long lastDay = db.jdbc().sql("SELECT count(*) FROM generation_job WHERE created_at >= ?").params(at(hoursStart))
                .query(Long.class).single();
        assertThat(Html.textOf(html, "jobs-chart-desc")).contains(lastDay + " jobs in all");
        assertThat(html).contains("<svg id=\"jobs-chart\"", "role=\"img\"", "<svg id=\"revenue-chart-inr\"");

        // Every figure leads to the list of what it counts.
        String failed = page(Html.attributeOf(html, "stat-failed", "href"));
        assertThat(Html.textOf(failed, "jobs-count")).isEqualTo("2 jobs");
        assertThat(Html.textOf(failed, "jobs")).contains("fails after its retries", "fails at once");
        assertThat(Html.textOf(page(Html.attributeOf(html, "stat-queued", "href")), "jobs-count")).isEqualTo("2 jobs");
        assertThat(Html.textOf(page(Html.attributeOf(html, "stat-sold-today", "href")), "listed-count")).isEqualTo("2 payments");
        assertThat(Html.textOf(page(Html.attributeOf(html, "stat-pending", "href")), "listed-payments")).contains("dave@example.com");
        assertThat(Html.textOf(page(Html.attributeOf(html, "stat-signups", "href")), "users"))
                .contains("carol@example.com", "dave@example.com").doesNotContain("alice@example.com");
    }

    /** Claims the next job as a worker with only the SD 1.5 checkpoint would; it must be {@code job}. */
    private LeasedJob claim(JobView job) {
        LeasedJob leased = queue.claim("gpu-one", List.of(TestCatalog.SD15)).orElseThrow();
        assertThat(leased.jobId()).isEqualTo(job.id());
        return leased;
    }

    private long count(String condition) {
        return db.jdbc().sql("SELECT count(*) FROM generation_job WHERE " + condition).query(Long.class).single();
    }

    private long countToday(String condition, Instant start, Instant end) {
        return db.jdbc().sql("SELECT count(*) FROM generation_job WHERE created_at >= ? AND created_at < ? AND " + condition)
                .params(at(start), at(end)).query(Long.class).single();
    }

    private long sold(Instant start, Instant end) {
        return db.jdbc().sql("SELECT coalesce(sum(credits), 0) FROM payment WHERE state IN ('APPROVED', 'PAID') "
                + "AND decided_at >= ? AND decided_at < ?").params(at(start), at(end)).query(Long.class).single();
    }

    /** The number of a figure on the dashboard. */
    private static long value(String html, String id) {
        return Long.parseLong(Html.textOf(html, id).split(" ")[0]);
    }

    private JobView submit(SignedInUser owner, String prompt) {
        return generation.submit(owner.id(), GenerationRequest.of("sd15", prompt));
    }

    private void buyAndApprove(SignedInUser buyer, String pack, String amountMinor) throws Exception {
        long id = openWithUtr(buyer, pack, amountMinor);
        mvc.perform(post("/admin/payments/" + id + "/approve").with(csrf()).with(user(admin))).andExpect(status().isSeeOther());
    }

    private long openWithUtr(SignedInUser buyer, String pack, String amountMinor) throws Exception {
        String location = mvc.perform(post("/payments/upi").with(csrf()).with(user(buyer)).param("packId", pack)
                .param("amountMinor", amountMinor).param("currency", "INR").param("requestKey", UUID.randomUUID().toString()))
                .andReturn().getResponse().getRedirectedUrl();
        String reference = location.substring("/payments/".length());
        String utr = String.format("%012d", Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000_000L));
        mvc.perform(post("/payments/" + reference + "/utr").with(csrf()).with(user(buyer)).param("utr", utr))
                .andExpect(status().is3xxRedirection());
        return db.jdbc().sql("SELECT id FROM payment WHERE reference = ?").params(reference).query(Long.class).single();
    }

    private String page(String url) throws Exception {
        return mvc.perform(get(url).with(user(admin))).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
