package org.text2image.server.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.PlanTerms;
import org.text2image.server.plans.Plans;
import org.text2image.server.plans.SubscriptionSource;
import org.text2image.server.storage.ImageStore;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/**
 * Every generation request is held to the user's plan (docs/PLANS.md, "Enforcement"): forged form
 * posts are refused with a message naming the plan that allows them and write nothing; the Generate
 * form offers only what the plan allows; the plan's queue priority orders the queue within the
 * aging bound. The restrictive test plans ({@code plans-enforced.json}: Free is basic, one image a
 * request, 3 images of sd15 a week and no sdxl; Starter has 1 image of sdxl a week) and the test
 * models with a beta and a mature one ({@code models-enforced.json}); one Spring context for all.
 */
@PageTest
@TestPropertySource(properties = {
        "text2image.plans.file=src/test/resources/config/plans-enforced.json",
        "text2image.catalog.models-file=src/test/resources/config/models-enforced.json",
        "text2image.generation.max-batch-size=32"
})
class PlanEnforcementTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired PlanTerms terms;
    @Autowired Plans plans;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;
    @Autowired LedgerInvariants invariants;
    @Autowired ImageStore store;

    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        clock.reset();
        clock.freeze();
        // On a whole microsecond, as PostgreSQL stores it: a term starting "now" has started now.
        clock.advance(Duration.ofNanos((1000 - clock.instant().getNano() % 1000) % 1000));
        alice = accounts.register("alice@example.com", "correct horse");
    }

    @AfterEach
    void booksStayBalanced() {
        clock.reset();
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void aLoraOnAModelThePlanDoesNotOpenIsListedDisabledWithTheModelsLock() throws Exception {
        TestLoras.Lora onSdxl = TestLoras.create(db, store, alice.id(), "My cat", "sdxl");
        TestLoras.Lora onSd15 = TestLoras.create(db, store, alice.id(), "My dog", "sd15");

        assertThat(page(alice, "/generate"))
                .contains("<option value=\"" + onSdxl.formValue() + "\" disabled=\"disabled\">My cat (SDXL) — Starter plan</option>")
                .contains("<option value=\"" + onSd15.formValue() + "\">My dog (Stable Diffusion 1.5)</option>");

        onPlan(alice, "starter");
        assertThat(page(alice, "/generate")).contains("<option value=\"" + onSdxl.formValue() + "\">My cat (SDXL)</option>");
    }

    @Test
    void aBatchAboveThePlansLimitIsRefusedWithThePlanThatAllowsIt() throws Exception {
        onPlan(alice, "starter");

        String html = refused(alice, Map.of("batchSize", "16"));

        assertThat(Html.textOf(html, "batchSize-error"))
                .isEqualTo("Batch size 16 needs the Ultra plan; your plan, Starter, allows up to 4.");
        assertThat(Html.textOf(refused(alice, Map.of("batchSize", "33")), "batchSize-error"))
                .as("above the site's limit: the limit that applies to this user").isEqualTo("Batch size must be between 1 and 4.");
        accepted(alice, Map.of("batchSize", "4"));
        assertThat(jobs(alice)).isEqualTo(1);
    }

    @Test
    void aParameterOutsideThePlansAccessIsRefused() throws Exception {
        String html = refused(alice, Map.of("seed", "42"));

        assertThat(Html.textOf(html, "seed-error"))
                .isEqualTo("Choosing the seed needs the Pro plan; your plan, Free, has the basic settings only.");
        assertThat(Html.textOf(refused(alice, Map.of("steps", "30")), "steps-error"))
                .isEqualTo("Setting the steps needs the Starter plan; your plan, Free, has the basic settings only.");
        assertThat(Html.textOf(refused(alice, Map.of("negativePrompt", "blurry")), "negativePrompt-error"))
                .isEqualTo("A negative prompt needs the Starter plan; your plan, Free, has the basic settings only.");
        assertThat(Html.textOf(refused(alice, Map.of("steps", "9999")), "steps-error"))
                .as("the plan's message, not the range's").contains("needs the Starter plan");

        onPlan(alice, "starter");
        assertThat(Html.textOf(refused(alice, Map.of("steps", "30", "scheduler", "karras")), "scheduler-error"))
                .isEqualTo("Choosing the scheduler needs the Pro plan; your plan, Starter, has the advanced settings only.");
        UUID job = accepted(alice, Map.of("steps", "30", "cfgScale", "5", "sampler", "euler", "negativePrompt", "blurry"));
        JobParameters parameters = generation.find(job, new Viewer(alice.id(), false)).orElseThrow().parameters();
        assertThat(parameters.steps()).isEqualTo(30);
        assertThat(parameters.negativePrompt()).isEqualTo("blurry");
    }

    @Test
    void aModelThePlanDoesNotOpenIsRefused() throws Exception {
        String html = refused(alice, Map.of("modelId", "sdxl"));

        assertThat(Html.textOf(html, "modelId-error"))
                .isEqualTo("SDXL: it needs the Starter plan; your plan, Free, does not include it.");
    }

    @Test
    void aBetaModelNeedsAPlanWithBetaAccess() throws Exception {
        onPlan(alice, "pro");

        assertThat(Html.textOf(refused(alice, Map.of("modelId", "sdbeta")), "modelId-error"))
                .isEqualTo("SD Beta is a beta model: it needs the Ultra plan; your plan, Pro, has no beta models.");

        onPlan(alice, "ultra");
        accepted(alice, Map.of("modelId", "sdbeta"));
    }

    @Test
    void aMatureModelNeedsAPlanWithMatureContentAndTheUsersOptIn() throws Exception {
        assertThat(Html.textOf(refused(alice, Map.of("modelId", "sdmature")), "modelId-error"))
                .isEqualTo("SD Mature is a mature model: it needs the Pro plan; your plan, Free, has no mature models.");

        onPlan(alice, "pro");
        assertThat(Html.textOf(refused(alice, Map.of("modelId", "sdmature")), "modelId-error"))
                .isEqualTo("SD Mature is a mature model: turn on \"Show mature models\" on your Account page first.");

        mvc.perform(post("/account/mature-content").param("show", "true").param("adult", "true").with(user(alice)))
                .andExpect(status().isForbidden());
        String noAge = mvc.perform(post("/account/mature-content").param("show", "true").with(csrf()).with(user(alice)))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        assertThat(Html.textOf(noAge, "adult-error")).startsWith("Confirm that you are 18 or older");
        refused(alice, Map.of("modelId", "sdmature"));

        mvc.perform(post("/account/mature-content").param("show", "true").param("adult", "true").with(csrf())
                .with(user(alice))).andExpect(status().is3xxRedirection());
        String account = mvc.perform(get("/account").with(user(alice))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(Html.textOf(account, "mature-status")).startsWith("Mature models are shown to you");
        assertThat(Html.tagOf(account, "show-mature")).contains("checked");
        accepted(alice, Map.of("modelId", "sdmature"));

        mvc.perform(post("/account/mature-content").with(csrf()).with(user(alice))).andExpect(status().is3xxRedirection());
        refused(alice, Map.of("modelId", "sdmature"));
    }

    @Test
    void aLimitedModelCountsItsImagesPerWeek() throws Exception {
        for (int i = 0; i < 3; i++) {
            accepted(alice, Map.of("modelId", "sd15"));
        }
        assertThat(Html.textOf(refused(alice, Map.of("modelId", "sd15")), "modelId-error"))
                .isEqualTo("You have used all 3 images of Stable Diffusion 1.5 that your plan, Free, gives each week. "
                        + "More from Monday 00:00 UTC. The Starter plan has no weekly limit on it.");

        generation.cancel(generation.history(alice.id(), 0, 1).jobs().getFirst().id(), alice.id());
        accepted(alice, Map.of("modelId", "sd15"));
        assertThat(jobs(alice)).as("a cancelled job is not charged, so it does not count").isEqualTo(4);
    }

    @Test
    void aBatchThatWouldCrossTheWeeklyCountIsRefusedWithWhatRemains() throws Exception {
        onPlan(alice, "starter");

        assertThat(Html.textOf(refused(alice, Map.of("modelId", "sdxl", "batchSize", "2")), "batchSize-error"))
                .isEqualTo("Only 1 image of SDXL left this week on your plan, Starter (1 a week): ask for 1 or fewer. "
                        + "The Pro plan has no weekly limit on it.");
        accepted(alice, Map.of("modelId", "sdxl", "batchSize", "1"));
        assertThat(Html.textOf(refused(alice, Map.of("modelId", "sdxl")), "modelId-error"))
                .startsWith("You have used all 1 image of SDXL that your plan, Starter, gives each week.");
    }

    @Test
    void twoConcurrentSubmitsCannotBothTakeTheLastImageOfTheWeek() throws Exception {
        accepted(alice, Map.of("modelId", "sd15"));
        accepted(alice, Map.of("modelId", "sd15"));
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        generation.submit(alice.id(), GenerationRequest.of("sd15", "the last one"));
                        return true;
                    } catch (InvalidGenerationRequestException e) {
                        return false;
                    }
                }));
            }
            start.countDown();
            List<Boolean> passed = new ArrayList<>();
            for (Future<Boolean> result : results) {
                passed.add(result.get(30, TimeUnit.SECONDS));
            }
            assertThat(passed).containsExactlyInAnyOrder(true, false);
        } finally {
            pool.shutdownNow();
        }
        assertThat(jobs(alice)).isEqualTo(3);
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(17, 3));
    }

    @Test
    void theWeeklyCountStartsAgainOnMonday() throws Exception {
        for (int i = 0; i < 3; i++) {
            accepted(alice, Map.of("modelId", "sd15"));
        }
        refused(alice, Map.of("modelId", "sd15"));

        clock.advance(Duration.ofDays(7));

        accepted(alice, Map.of("modelId", "sd15"));
        assertThat(PlanRules.weekStart(Instant.parse("2026-12-06T23:59:59Z"))).as("a Sunday")
                .isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
        assertThat(PlanRules.weekStart(Instant.parse("2026-12-07T00:00:00Z"))).as("the Monday after")
                .isEqualTo(Instant.parse("2026-12-07T00:00:00Z"));
    }

    @Test
    void theGenerateFormOffersOnlyWhatThePlanAllows() throws Exception {
        String html = page(alice, "/generate");

        assertThat(Html.textOf(html, "plan-name")).isEqualTo("Free");
        assertThat(Html.attributeOf(html, "see-plans", "href")).isEqualTo("/pricing");
        assertThat(Html.attributeOf(html, "batchSize", "max")).isEqualTo("1");
        assertThat(Html.textOf(html, "batchSize-help")).startsWith("1 image per job. More with the Starter plan");
        assertThat(Html.attributeOf(html, "batch-upgrade", "href")).isEqualTo("/pricing");
        for (String field : List.of("seed", "steps", "cfgScale", "sampler", "scheduler", "negativePrompt")) {
            assertThat(html).as(field + " is hidden").doesNotContain("name=\"" + field + "\"");
        }
        assertThat(Html.textOf(html, "locked-parameters")).contains(
                "Steps, CFG scale, sampler and negative prompt: Starter plan.", "Seed and scheduler: Pro plan.", "See plans");
        assertThat(html).containsPattern("<option value=\"sdxl\"[^>]* disabled=\"disabled\"[^>]*>SDXL — Starter plan</option>")
                .containsPattern("<option value=\"sdbeta\"[^>]* disabled=\"disabled\"[^>]*>SD Beta — Ultra plan</option>")
                .containsPattern("<option value=\"sdmature\"[^>]* disabled=\"disabled\"[^>]*>SD Mature — Pro plan</option>")
                .containsPattern("<option value=\"sd15\"[^>]* selected=\"selected\"[^>]*>"
                        + "Stable Diffusion 1.5 — 1 credit · 3 of 3 left this week</option>");

        assertThat(Html.textOf(page(alice, "/generate/quote?modelId=sd15&batchSize=1"), "cost"))
                .isEqualTo("This will cost 1 credit · you have 20");
        for (String quote : List.of("/generate/quote?modelId=sd15&batchSize=2", "/generate/quote?modelId=sdxl&batchSize=1")) {
            assertThat(Html.textOf(page(alice, quote), "cost")).as("the cost line follows the plan: " + quote)
                    .isEqualTo("Choose a model and a valid number of images to see the cost.");
        }

        onPlan(alice, "pro");
        String pro = page(alice, "/generate");
        assertThat(Html.textOf(pro, "plan-name")).isEqualTo("Pro");
        assertThat(pro).contains("name=\"seed\"", "name=\"scheduler\"").doesNotContain("id=\"locked-parameters\"")
                .containsPattern("<option value=\"sdmature\"[^>]* disabled=\"disabled\"[^>]*>"
                        + "SD Mature — turn on mature models in your account</option>");
        assertThat(Html.attributeOf(pro, "batchSize", "max")).isEqualTo("8");
        assertThat(Html.textOf(pro, "batchSize-help")).startsWith("1 to 8 images per job. More with the Ultra plan");
    }

    @Test
    void reusingSettingsOnALowerPlanGivesAFormTheServerAccepts() throws Exception {
        SignedInUser admin = TestAccounts.admin(accounts, db, "admin@example.com");
        onPlan(alice, "pro");
        UUID earlier = accepted(alice, Map.of("modelId", "sdxl", "batchSize", "8", "seed", "42", "steps", "30",
                "scheduler", "karras"));
        terms.end(admin.id(), alice.id(), "Back to the free plan for this test");

        String html = page(alice, "/generate?from=" + earlier);

        assertThat(Html.attributeOf(html, "batchSize", "value")).isEqualTo("1");
        assertThat(html).doesNotContain("name=\"seed\"").doesNotContain("name=\"steps\"")
                .as("SDXL is not in the free plan: the first model it opens is picked")
                .containsPattern("<option value=\"sd15\"[^>]* selected=\"selected\"");
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put("prompt", Html.textOf(html, "prompt"));
        for (String field : List.of("width", "height", "batchSize")) {
            shown.put(field, Html.attributeOf(html, field, "value"));
        }
        shown.put("modelId", "sd15");
        accepted(alice, shown);
    }

    @Test
    void thePlansPriorityOrdersTheQueueWithinTheAgingBound() throws Exception {
        SignedInUser max = accounts.register("max@example.com", "correct horse");
        SignedInUser pro = accounts.register("pro@example.com", "correct horse");
        onPlan(max, "max");
        onPlan(pro, "pro");
        JobView free = generation.submit(alice.id(), GenerationRequest.of("sd15", "a free job"));
        later();
        JobView proJob = generation.submit(pro.id(), GenerationRequest.of("sd15", "a pro job"));
        later();
        List<JobView> maxJobs = new java.util.ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            maxJobs.add(generation.submit(max.id(), GenerationRequest.of("sd15", "max " + i)));
            later();
        }
        assertThat(db.jdbc().sql("SELECT priority FROM generation_job WHERE id = ?").params(free.id()).query(Integer.class)
                .single()).isZero();
        assertThat(db.jdbc().sql("SELECT priority FROM generation_job WHERE id = ?").params(proJob.id())
                .query(Integer.class).single()).isEqualTo(1);
        assertThat(view(free).queuePosition()).isEqualTo(5);
        assertThat(view(maxJobs.getFirst()).queuePosition()).isEqualTo(1);

        assertThat(claim()).as("the Max user's job, queued later, starts first").isEqualTo(maxJobs.get(0).id());
        assertThat(claim()).as("priority before fair share").isEqualTo(maxJobs.get(1).id());

        clock.advance(Duration.ofMinutes(2).plusSeconds(1));
        generation.submit(max.id(), GenerationRequest.of("sd15", "max 4"));

        assertThat(view(free).queuePosition()).as("past the aging threshold: first").isEqualTo(1);
        assertThat(claim()).as("the Free job waited past the aging threshold: it goes before every priority")
                .isEqualTo(free.id());
        assertThat(claim()).as("then the Pro job, aged too and older than the Max ones").isEqualTo(proJob.id());
    }

    private UUID claim() {
        return queue.claim("gpu-" + UUID.randomUUID(), TestCatalog.CHECKPOINTS).orElseThrow().jobId();
    }

    private void later() {
        clock.advance(Duration.ofMillis(10));
    }

    private JobView view(JobView job) {
        return generation.find(job.id(), new Viewer(job.userId(), false)).orElseThrow();
    }

    private void onPlan(SignedInUser user, String planId) {
        terms.apply(user.id(), plans.find(planId).orElseThrow(), BillingPeriod.WEEKLY, SubscriptionSource.UPI, 1);
    }

    /** A forged post that must be refused (422) and change nothing: no job, no hold, the same balance. */
    private String refused(SignedInUser user, Map<String, String> fields) throws Exception {
        long jobsBefore = jobs(user);
        Balance before = statements.balance(user.id());
        String html = mvc.perform(form(user, fields)).andExpect(status().isUnprocessableContent())
                .andReturn().getResponse().getContentAsString();
        assertThat(jobs(user)).as("no job").isEqualTo(jobsBefore);
        assertThat(statements.balance(user.id())).as("no hold, the same balance").isEqualTo(before);
        assertThat(db.jdbc().sql("SELECT count(*) FROM credit_hold h WHERE h.user_id = ? AND NOT EXISTS "
                        + "(SELECT 1 FROM generation_job j WHERE j.hold_id = h.id)").params(user.id())
                .query(Long.class).single()).as("no hold without its job").isZero();
        return html;
    }

    /** A post that must be accepted: the job page's id. */
    private UUID accepted(SignedInUser user, Map<String, String> fields) throws Exception {
        String location = mvc.perform(form(user, fields)).andExpect(status().is3xxRedirection())
                .andReturn().getResponse().getRedirectedUrl();
        assertThat(location).startsWith("/jobs/");
        return UUID.fromString(location.substring("/jobs/".length()));
    }

    private MockHttpServletRequestBuilder form(SignedInUser user, Map<String, String> fields) {
        Map<String, String> all = new LinkedHashMap<>(Map.of("prompt", "a lighthouse", "modelId", "sd15"));
        all.putAll(fields);
        MockHttpServletRequestBuilder request = post("/generate").with(csrf()).with(user(user));
        all.forEach(request::param);
        return request;
    }

    private String page(SignedInUser user, String path) throws Exception {
        return mvc.perform(get(path).with(user(user))).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
    }

    private long jobs(SignedInUser user) {
        return db.jdbc().sql("SELECT count(*) FROM generation_job WHERE user_id = ?").params(user.id())
                .query(Long.class).single();
    }
}
