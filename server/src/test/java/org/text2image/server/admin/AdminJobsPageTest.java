package org.text2image.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.LeasedJob;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.Viewer;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.Races;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/** /admin/jobs: the search and its filters, a job's page, cancel and run again; bad input is a 4xx. */
@PageTest
class AdminJobsPageTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired CreditStatements statements;
    @Autowired LedgerInvariants invariants;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;
    @Autowired JobActions actions;

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
    void booksStayBalanced() {
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void searchFiltersByUserStateModelAndDays() throws Exception {
        JobView fox = submit(alice, "sd15", "a red fox");
        JobView owl = submit(alice, "sdxl", "an owl at night");
        JobView cat = submit(bob, "sd15", "a sleeping cat");
        TestImages.complete(queue, generation, fox, alice);
        db.jdbc().sql("UPDATE generation_job SET created_at = created_at - interval '3 days' WHERE id = ?")
                .params(cat.id()).update();
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));

        assertThat(rows("/admin/jobs")).contains(fox.id().toString(), owl.id().toString(), cat.id().toString());
        assertThat(Html.textOf(page("/admin/jobs?user=ALICE@"), "jobs")).contains("a red fox", "an owl at night")
                .doesNotContain("a sleeping cat");
        assertThat(Html.textOf(page("/admin/jobs?state=SUCCEEDED"), "jobs")).contains("a red fox")
                .doesNotContain("an owl", "a sleeping cat");
        assertThat(Html.textOf(page("/admin/jobs?model=sdxl"), "jobs")).contains("an owl at night")
                .doesNotContain("a red fox");
        assertThat(Html.textOf(page("/admin/jobs?from=" + today + "&to=" + today), "jobs")).contains("a red fox", "an owl")
                .doesNotContain("a sleeping cat");
        String past = today.minusDays(3).toString();
        assertThat(Html.textOf(page("/admin/jobs?from=" + past + "&to=" + past), "jobs")).contains("a sleeping cat")
                .doesNotContain("a red fox");
        assertThat(Html.textOf(page("/admin/jobs?user=nobody"), "no-jobs")).isEqualTo("No job matches.");
        assertThat(Html.textOf(page("/admin/jobs?state=queued&user=alice"), "jobs-count")).isEqualTo("1 job");
    }

    @Test
    void trainingJobsAreListedWithTheirUserStateWorkerAndStep() throws Exception {
        assertThat(Html.textOf(page("/admin/jobs"), "no-trainings")).isEqualTo("No LoRA trainings yet.");
        java.util.UUID training = java.util.UUID.randomUUID();
        db.jdbc().sql("""
                        INSERT INTO lora_training (id, user_id, name, trigger_word, base_model_id, checkpoint, steps, lora_rank,
                            learning_rate, resolution, status, attempt, max_attempts, worker_name, lease_expires_at,
                            attempt_deadline_at, attempt_started_at, progress_step, progress_total, submit_key, created_at)
                        VALUES (?, ?, 'My cat', 'mycat', 'sd15', 'v1-5-pruned-emaonly.safetensors', 600, 16, 0.0005, 512,
                            'RUNNING', 1, 2, 'gpu-7', now() + interval '1 minute', now() + interval '2 hours', now(), 120, 600,
                            'key-1', now())""")
                .params(training, alice.id()).update();

        String trainings = Html.textOf(page("/admin/jobs"), "trainings");
        assertThat(trainings).contains("alice@example.com", "My cat", "RUNNING", "gpu-7", "1/2", "120/600");
    }

    @Test
    void theListIsPagedAndItsPagerKeepsTheFilter() throws Exception {
        for (int i = 0; i < 3; i++) {
            submit(alice, "sd15", "prompt " + i);
        }
        String first = page("/admin/jobs?user=alice&size=2");
        assertThat(first.split("class=\"job-row\"", -1)).hasSize(3);
        assertThat(Html.attributeOf(first, "jobs-older", "href")).contains("user=alice", "size=2", "page=1");
        String second = page("/admin/jobs?user=alice&size=2&page=1");
        assertThat(second.split("class=\"job-row\"", -1)).hasSize(2);
        assertThat(Html.textOf(second, "jobs")).contains("prompt 0");
    }

    @Test
    void badFiltersAreRefusedWithAMessageAndNoSearch() throws Exception {
        expectBadFilter("/admin/jobs?from=yesterday", "year-month-day");
        expectBadFilter("/admin/jobs?from=2026-02-30", "year-month-day");
        expectBadFilter("/admin/jobs?to=1999-12-31", "between 2000-01-01");
        expectBadFilter("/admin/jobs?from=2026-12-02&to=2026-12-01", "before the first");
        expectBadFilter("/admin/jobs?state=LOST", "Unknown state");
        expectBadFilter("/admin/jobs?page=-1", "page must be a whole number");
        expectBadFilter("/admin/jobs?page=abc", "page must be a whole number");
        expectBadFilter("/admin/jobs?size=100000", "page size must be");
        expectBadFilter("/admin/jobs?size=0", "page size must be");
        expectBadFilter("/admin/jobs?user=" + "x".repeat(300), "At most 254");
        mvc.perform(get("/admin/jobs").param("user", "al\u0000ice").with(user(admin))).andExpect(status().isBadRequest());
        for (String id : new String[] {"42", "not-a-job", "00000000-0000-0000-0000-00000000000g", UUID.randomUUID().toString(),
                "1-1-1-1-1"}) {
            mvc.perform(get("/admin/jobs/" + id).with(user(admin))).andExpect(status().isNotFound());
        }
    }

    @Test
    void aJobsPageShowsItsParametersWorkflowAttemptsLedgerEntriesAndImages() throws Exception {
        JobView job = generation.submit(alice.id(), new GenerationRequest("sd15", "a lighthouse at dusk", "blurry", 512, 768,
                1, 42L, 30, 6.5, "dpmpp_2m", "karras"));
        LeasedJob first = queue.claim("gpu-one", TestCatalog.CHECKPOINTS).orElseThrow();
        clock.advance(Duration.ofSeconds(5));
        queue.fail(job.id(), first.attempt(), WorkerIdentity.CONFIGURED, "ComfyUI ran out of memory", true);
        TestImages.complete(queue, generation, job, alice);

        String html = page("/admin/jobs/" + job.id());

        assertThat(Html.textOf(html, "job-owner")).isEqualTo("alice@example.com");
        assertThat(Html.textOf(html, "job-status-badge")).isEqualTo("SUCCEEDED");
        assertThat(Html.textOf(html, "job-parameters")).contains("blurry", "512 × 768", "42", "30", "6.5", "dpmpp_2m",
                "karras", "v1-5-pruned-emaonly.safetensors");
        String attempts = Html.textOf(html, "attempts");
        assertThat(attempts).contains("gpu-one", "RETRIED", "ComfyUI ran out of memory", "5.0 s", "test-worker", "SUCCEEDED");
        assertThat(html.split("class=\"attempt-row\"", -1)).hasSize(3);
        assertThat(Html.textOf(html, "job-ledger")).contains("HOLD", "CAPTURE", "hold:job:" + job.id());
        assertThat(Html.textOf(html, "job-workflow")).contains("\"a lighthouse at dusk\"", "\"text2image/" + job.id() + "-2\"",
                "\"dpmpp_2m\"");
        assertThat(html).contains("/i/" + generation.find(job.id(), new Viewer(alice.id(), false)).orElseThrow()
                .images().getFirst().id() + "/thumb?v=" + admin.id());
    }

    @Test
    void anAdminCancelsAnyUsersJobTheHoldIsReleasedAndTheAuditLogSaysWhy() throws Exception {
        JobView job = submit(alice, "sdxl", "an owl");
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(17, 3));

        mvc.perform(post("/admin/jobs/" + job.id() + "/cancel").with(csrf()).with(user(admin)).param("reason", "Stuck job"))
                .andExpect(status().isSeeOther());

        assertThat(generation.find(job.id(), new Viewer(alice.id(), false)).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20, 0));
        assertThat(audit()).contains("JOB_CANCELLED|Stuck job");
        String again = mvc.perform(post("/admin/jobs/" + job.id() + "/cancel").with(csrf()).with(user(admin))
                .param("reason", "Stuck job")).andExpect(status().isUnprocessableContent()).andReturn().getResponse()
                .getContentAsString();
        assertThat(Html.textOf(again, "cancel-reason-error")).isNull(); // a finished job shows no cancel form
        assertThat(again).contains("The job is already cancelled; nothing changed.");
        mvc.perform(post("/admin/jobs/" + submit(bob, "sd15", "x").id() + "/cancel").with(csrf()).with(user(admin))
                .param("reason", " ")).andExpect(status().isUnprocessableContent());
        assertThat(db.jdbc().sql("SELECT count(*) FROM admin_audit").query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void theAttemptsShowAHandBackAndAnAdminsCancelOfTheRunningAttempt() throws Exception {
        JobView job = submit(alice, "sd15", "a fox");
        LeasedJob first = queue.claim("gpu-one", TestCatalog.CHECKPOINTS).orElseThrow();
        queue.handBack(job.id(), first.attempt(), WorkerIdentity.CONFIGURED, "shutting down");
        queue.claim("gpu-two", TestCatalog.CHECKPOINTS).orElseThrow();

        mvc.perform(post("/admin/jobs/" + job.id() + "/cancel").with(csrf()).with(user(admin)).param("reason", "Runaway"))
                .andExpect(status().isSeeOther());

        String attempts = Html.textOf(page("/admin/jobs/" + job.id()), "attempts");
        assertThat(attempts).contains("gpu-one", "HANDED_BACK", "shutting down", "gpu-two", "CANCELLED",
                "Cancelled by an admin.").doesNotContain("running");
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20, 0));
    }

    @Test
    void runAgainFreeIsPaidByAnAdminGrantOfItsPriceAndAReplayRunsItOnce() throws Exception {
        JobView failed = submit(alice, "sdxl", "an owl");
        failForGood(failed);
        Balance before = statements.balance(alice.id());
        String key = UUID.randomUUID().toString();

        String location = mvc.perform(post("/admin/jobs/" + failed.id() + "/rerun").with(csrf()).with(user(admin))
                .param("reason", "Our worker crashed").param("key", key)).andExpect(status().isSeeOther())
                .andReturn().getResponse().getRedirectedUrl();
        String replay = mvc.perform(post("/admin/jobs/" + failed.id() + "/rerun").with(csrf()).with(user(admin))
                .param("reason", "Our worker crashed").param("key", key)).andExpect(status().isSeeOther())
                .andReturn().getResponse().getRedirectedUrl();

        assertThat(replay).isEqualTo(location);
        UUID rerun = UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
        JobView job = generation.find(rerun, new Viewer(alice.id(), false)).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(job.parameters()).isEqualTo(failed.parameters());
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(before.availableCredits(), 3));
        assertThat(db.jdbc().sql("SELECT count(*) FROM generation_job WHERE user_id = ?").params(alice.id())
                .query(Long.class).single()).isEqualTo(2);
        assertThat(db.jdbc().sql("SELECT kind || ' ' || amount_credits || ' ' || idempotency_key FROM ledger_entry "
                + "WHERE user_id = ? AND (job_id = ? OR idempotency_key LIKE 'admin-rerun:%') ORDER BY id")
                .params(alice.id(), rerun).query(String.class).list())
                .containsExactly("GRANT 3 admin-rerun:" + rerun, "HOLD 3 hold:job:" + rerun);
        assertThat(audit()).containsExactly("JOB_RERUN_FREE|Our worker crashed");
        assertThat(Html.textOf(page("/admin/jobs/" + rerun), "job-ledger")).contains("GRANT", "Free re-run of job", "HOLD");

        TestImages.complete(queue, generation, job, alice);
        assertThat(statements.balance(alice.id())).isEqualTo(before);
    }

    @Test
    void twoAdminsSendingTheSameRerunFormAtOnceMakeOneJob() throws Exception {
        JobView failed = submit(alice, "sd15", "a fox");
        failForGood(failed);
        String key = UUID.randomUUID().toString();

        var results = Races.race(4, () -> actions.rerunFree(admin, failed.id(), "Worker crashed", key));

        assertThat(results.stream().map(JobActions.Rerun::jobId).distinct()).hasSize(1);
        assertThat(results.stream().filter(JobActions.Rerun::made)).hasSize(1);
        assertThat(db.jdbc().sql("SELECT count(*) FROM generation_job").query(Long.class).single()).isEqualTo(2);
        assertThat(audit()).containsExactly("JOB_RERUN_FREE|Worker crashed");
    }

    @Test
    void theListsTheDashboardLinksToRefuseBadFiltersWithAMessage() throws Exception {
        for (String url : new String[] {"/admin/payments?state=LOST", "/admin/payments?state=SOLD&from=2026-13-01",
                "/admin/payments?state=SOLD&page=-1"}) {
            String html = mvc.perform(get(url).with(user(admin))).andExpect(status().isBadRequest()).andReturn()
                    .getResponse().getContentAsString();
            assertThat(Html.textOf(html, "filter-errors")).as(url).startsWith("The list was not shown:");
        }
        String users = mvc.perform(get("/admin/users?joined=someday").with(user(admin))).andExpect(status().isBadRequest())
                .andReturn().getResponse().getContentAsString();
        assertThat(Html.textOf(users, "joined-error")).contains("year-month-day");
        assertThat(Html.textOf(page("/admin/users?joined=today"), "joined-heading")).endsWith(": 3");
        assertThat(Html.textOf(page("/admin/payments?state=pending_review"), "listed-count")).isEqualTo("0 payments");
    }

    @Test
    void aFreeRerunWithoutAValidKeyOrReasonChangesNothing() throws Exception {
        JobView failed = submit(alice, "sd15", "a fox");
        failForGood(failed);
        mvc.perform(post("/admin/jobs/" + failed.id() + "/rerun").with(csrf()).with(user(admin)).param("reason", "why")
                .param("key", "bad key!")).andExpect(status().isUnprocessableContent());
        mvc.perform(post("/admin/jobs/" + failed.id() + "/rerun").with(csrf()).with(user(admin)).param("reason", "")
                .param("key", UUID.randomUUID().toString())).andExpect(status().isUnprocessableContent());
        assertThat(db.jdbc().sql("SELECT count(*) FROM generation_job").query(Long.class).single()).isEqualTo(1);
        assertThat(audit()).isEmpty();
    }

    @Test
    void runAgainAtTheUsersCostOnlyMailsAnOfferOnceAndChargesNothing() throws Exception {
        JobView failed = submit(alice, "sdxl", "an owl");
        failForGood(failed);
        Balance before = statements.balance(alice.id());
        String key = UUID.randomUUID().toString();

        for (int i = 0; i < 2; i++) {
            mvc.perform(post("/admin/jobs/" + failed.id() + "/offer").with(csrf()).with(user(admin))
                    .param("reason", "Worker fault").param("key", key)).andExpect(status().isSeeOther());
        }

        assertThat(statements.balance(alice.id())).isEqualTo(before);
        assertThat(db.jdbc().sql("SELECT count(*) FROM generation_job").query(Long.class).single()).isEqualTo(1);
        var mails = db.jdbc().sql("SELECT recipient || '|' || subject || '|' || body FROM mail_outbox WHERE subject LIKE 'Run%'")
                .query(String.class).list();
        assertThat(mails).hasSize(1);
        assertThat(mails.getFirst()).startsWith("alice@example.com|Run your image again?|")
                .contains("/generate?from=" + failed.id(), "an owl", "3 credits");
        assertThat(audit()).containsExactly("JOB_RERUN_OFFERED|Worker fault");
        // The link is the owner's own Generate page with the job's settings; nobody else can open it.
        String form = mvc.perform(get("/generate?from=" + failed.id()).with(user(alice))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(form).contains("an owl");
        mvc.perform(get("/generate?from=" + failed.id()).with(user(bob))).andExpect(status().isNotFound());
    }

    private void failForGood(JobView job) {
        for (int attempt = 1; attempt <= 3; attempt++) {
            LeasedJob leased = queue.claim("gpu-one", TestCatalog.CHECKPOINTS).orElseThrow();
            queue.fail(job.id(), leased.attempt(), WorkerIdentity.CONFIGURED, "The worker stopped responding.", true);
        }
        assertThat(generation.find(job.id(), new Viewer(alice.id(), true)).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
    }

    private java.util.List<String> audit() {
        return db.jdbc().sql("SELECT action || '|' || reason FROM admin_audit ORDER BY id").query(String.class).list();
    }

    private void expectBadFilter(String url, String message) throws Exception {
        String html = mvc.perform(get(url).with(user(admin))).andExpect(status().isBadRequest()).andReturn().getResponse()
                .getContentAsString();
        assertThat(Html.textOf(html, "filter-errors")).as(url).contains(message);
        assertThat(Html.tagOf(html, "jobs")).isNull();
    }

    private JobView submit(SignedInUser owner, String model, String prompt) {
        return generation.submit(owner.id(), GenerationRequest.of(model, prompt));
    }

    private String rows(String url) throws Exception {
        return Html.textOf(page(url), "jobs") + page(url);
    }

    private String page(String url) throws Exception {
        return mvc.perform(get(url).with(user(admin))).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
    }
}
