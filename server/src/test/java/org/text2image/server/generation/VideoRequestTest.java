package org.text2image.server.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.api.ApiKeys;
import org.text2image.server.api.ApiScope;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.PlanTerms;
import org.text2image.server.plans.Plans;
import org.text2image.server.plans.SubscriptionSource;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;
import org.text2image.worker.api.WorkerApi;
import tools.jackson.databind.node.ObjectNode;

/**
 * A video model's request rules (docs/MODELS.md, "Video models"; docs/PLANS.md): the length by
 * the model's frames rule, the plan's video limits, one video per job, the price shown before
 * submit equal to the price held, the model's own attempt timeout, the rendered {{frames}} and
 * {{fps}}, and an image-to-video job that may only start from the user's own image. Refusals write
 * nothing. Test models {@code models-video.json} (4n+1, 5 … 81 frames), plans {@code plans-video.json}
 * (Free: up to 33 frames of 4,096 pixels).
 */
@PageTest
@TestPropertySource(properties = {
        "text2image.plans.file=src/test/resources/config/plans-video.json",
        "text2image.catalog.models-file=src/test/resources/config/models-video.json",
        "text2image.accounts.signup-credits=1000"
})
class VideoRequestTest {

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
    @Autowired ApiKeys keys;
    @Autowired JobAdministration administration;

    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        clock.reset();
        alice = accounts.register("alice@example.com", "correct horse");
    }

    @AfterEach
    void booksStayBalanced() {
        clock.reset();
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void eightyOneFramesFollowTheFourNPlusOneRuleAndEightyAreRefusedWithTheNearestLengths() throws Exception {
        onPlan(alice, "pro");

        String html = refused(alice, Map.of("frames", "80"));
        assertThat(Html.textOf(html, "frames-error")).isEqualTo("Test video (MP4) makes videos of 4n+1 frames "
                + "(5, 9, 13 … 81): 80 is not one; ask for 77 or 81.");
        assertThat(Html.textOf(refused(alice, Map.of("frames", "85")), "frames-error"))
                .isEqualTo("Frames must be between 5 and 81 for Test video (MP4).");
        assertThat(Html.textOf(refused(alice, Map.of("fps", "60")), "fps-error"))
                .isEqualTo("Frames per second must be between 8 and 24 for Test video (MP4).");
        assertThat(Html.textOf(refused(alice, Map.of("batchSize", "2")), "batchSize-error"))
                .isEqualTo("Test video (MP4) makes one video per job; ask for 1.");
        assertThat(Html.textOf(refused(alice, Map.of("width", "512")), "width-error"))
                .isEqualTo("Width must be between 64 and 256 pixels for Test video (MP4).");

        UUID job = accepted(alice, Map.of("frames", "81", "fps", "16"));
        JobView view = generation.find(job, new Viewer(alice.id(), false)).orElseThrow();
        assertThat(view.parameters().video()).isEqualTo(new JobParameters.Video(81, 16, null));
        assertThat(view.parameters().batchSize()).isEqualTo(1);
    }

    @Test
    void theFreePlansVideoLimitsAreRefusedNamingThePlanThatAllowsMore() throws Exception {
        assertThat(Html.textOf(refused(alice, Map.of("frames", "37")), "frames-error")).isEqualTo(
                "A video of 37 frames needs the Pro plan; your plan, Free, allows up to 33 frames at up to 4,096 pixels a frame.");
        assertThat(Html.textOf(refused(alice, Map.of("width", "96")), "width-error")).isEqualTo(
                "A video of 96×64 needs the Pro plan; your plan, Free, allows up to 33 frames at up to 4,096 pixels a frame.");
        accepted(alice, Map.of("frames", "33"));
    }

    @Test
    void theCostShownBeforeSubmitIsTheCostHeldAndItScalesWithFramesTimesArea() throws Exception {
        onPlan(alice, "pro");
        String quote = mvc.perform(get("/generate/quote").with(user(alice))
                        .param("modelId", "video-mp4").param("width", "96").param("height", "64").param("frames", "41"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        // 41 × 96 × 64 / (9 × 64 × 64) = 6.83 base volumes → 7 × 20 credits
        assertThat(Html.textOf(quote, "cost-credits")).isEqualTo("140 credits");
        assertThat(Html.textOf(quote, "cost-breakdown"))
                .isEqualTo("(20 credits per video × 7 for 41 frames at 96×64 (base 9 frames at 64×64))");
        Balance before = statements.balance(alice.id());

        UUID job = accepted(alice, Map.of("frames", "41", "width", "96", "height", "64"));

        assertThat(generation.find(job, new Viewer(alice.id(), false)).orElseThrow().parameters().priceCredits())
                .isEqualTo(140);
        assertThat(statements.balance(alice.id()).availableCredits()).isEqualTo(before.availableCredits() - 140);
        assertThat(db.jdbc().sql("SELECT reason FROM ledger_entry WHERE job_id = ? AND kind = 'HOLD'").params(job)
                .query(String.class).single()).as("the credit history says what it is for").isEqualTo("Reserved for a video");
    }

    @Test
    void aVideoJobRunsWithItsModelsAttemptTimeoutAndItsLengthAndRateInTheWorkflow() throws Exception {
        Instant now = clock.instant();
        accepted(alice, Map.of("frames", "13", "fps", "12"));

        LeasedJob leased = queue.claim("gpu-1", List.of()).orElseThrow();

        assertThat(leased.attemptTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(db.jdbc().sql("SELECT attempt_deadline_at > CAST(? AS timestamptz) + interval '29 minutes' FROM generation_job WHERE id = ?")
                .params(java.sql.Timestamp.from(now), leased.jobId()).query(Boolean.class).single()).isTrue();
        ObjectNode graph = leased.workflow();
        assertThat(graph.path("1").path("inputs").path("batch_size").asInt()).isEqualTo(13);
        assertThat(graph.path("2").path("inputs").path("fps").asInt()).isEqualTo(12);
    }

    @Test
    void anImageToVideoJobStartsOnlyFromTheUsersOwnImage() throws Exception {
        onPlan(alice, "pro");
        SignedInUser bob = accounts.register("bob@example.com", "correct horse");
        UUID alicesImage = storedImage(alice, "image/png");
        UUID bobsImage = storedImage(bob, "image/png");
        UUID alicesVideo = storedImage(alice, "video/mp4");

        String mine = "Choose one of your own images (a PNG or JPEG) to start the video from.";
        assertThat(Html.textOf(refused(alice, Map.of("modelId", "video-i2v")), "inputImageId-error"))
                .isEqualTo("Test video from an image starts from an image: choose one of your images.");
        assertThat(Html.textOf(refused(alice, Map.of("modelId", "video-i2v", "inputImageId", bobsImage.toString())),
                "inputImageId-error")).isEqualTo(mine);
        assertThat(Html.textOf(refused(alice, Map.of("modelId", "video-i2v", "inputImageId", alicesVideo.toString())),
                "inputImageId-error")).isEqualTo(mine);
        assertThat(Html.textOf(refused(alice, Map.of("modelId", "video-i2v", "inputImageId", "not-an-id")),
                "inputImageId-error")).isEqualTo(mine);

        UUID job = accepted(alice, Map.of("modelId", "video-i2v", "inputImageId", alicesImage.toString()));
        LeasedJob leased = queue.claim("gpu-1", List.of()).orElseThrow();
        assertThat(leased.jobId()).isEqualTo(job);
        assertThat(leased.attemptTimeout()).isEqualTo(Duration.ofMinutes(45));
        assertThat(leased.workflow().path("1").path("inputs").path("image").asString())
                .isEqualTo("text2image/" + WorkerApi.inputImageName(job, 1, "image/png"));
    }

    @Test
    void theFormShowsAVideoModelsLengthRateAndSizePresetsInsteadOfTheNumberOfImages() throws Exception {
        onPlan(alice, "pro");
        String fields = mvc.perform(get("/generate/advanced").with(user(alice)).param("modelId", "video-mp4"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(Html.attributeOf(fields, "frames", "value")).isEqualTo("9");
        assertThat(Html.attributeOf(fields, "frames", "step")).isEqualTo("4");
        assertThat(Html.attributeOf(fields, "fps", "value")).isEqualTo("8");
        assertThat(fields).contains("96 × 64 · landscape").contains("64 × 96 · portrait");
        assertThat(fields).doesNotContain("id=\"batchSize\"").contains("name=\"batchSize\" value=\"1\"");
        assertThat(Html.textOf(fields, "cost-credits")).isEqualTo("20 credits");

        String image = mvc.perform(get("/generate/advanced").with(user(alice)).param("modelId", "modelfree"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(image).doesNotContain("id=\"frames\"").contains("id=\"batchSize\"");
    }

    @Test
    void thePricingPageShowsEachPlansVideoLimitsWhileAVideoModelIsOffered() throws Exception {
        String html = mvc.perform(get("/pricing")).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();

        assertThat(Html.textOf(html, "pricing-video")).contains("Up to 33 frames, 4,096 pixels a frame").contains("Any");
    }

    @Test
    void theApiTakesAVideosLengthAndRateAndRefusesABrokenOneByFieldWritingNothing() throws Exception {
        String key = keys.create(alice.id(), "script", EnumSet.allOf(ApiScope.class)).secret();

        mvc.perform(post("/api/v1/jobs").header("Authorization", "Bearer " + key).contentType("application/json")
                        .content("{\"prompt\":\"a fox\",\"model\":\"video-mp4\",\"frames\":80}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.errors.frames").exists());
        mvc.perform(post("/api/v1/jobs").header("Authorization", "Bearer " + key).contentType("application/json")
                        .content("{\"prompt\":\"a fox\",\"model\":\"video-i2v\",\"input_image_id\":\""
                                + UUID.randomUUID() + "\"}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.errors.input_image_id").exists());
        assertThat(jobs(alice)).isZero();

        mvc.perform(post("/api/v1/jobs").header("Authorization", "Bearer " + key).contentType("application/json")
                        .content("{\"prompt\":\"a fox\",\"model\":\"video-mp4\",\"frames\":13,\"fps\":12}"))
                .andExpect(status().isCreated()).andExpect(jsonPath("$.video.frames").value(13))
                .andExpect(jsonPath("$.video.fps").value(12)).andExpect(jsonPath("$.cost.price_credits").value(40));
    }

    @Test
    void theHelpPageExplainsVideosAndPricesEachVideoModelByItsLength() throws Exception {
        String html = mvc.perform(get("/help").with(user(alice))).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();

        assertThat(Html.textOf(html, "faq-video")).startsWith("Video models make one video per job");
        // 81 × 256 × 256 / (9 × 64 × 64) = 144 base volumes × 20 credits
        assertThat(html).contains("20 credits a video of 9 frames at 64 × 64")
                .contains("2880 credits for 81 frames at 256 × 256");
    }

    @Test
    void openAisImagesEndpointRefusesAVideoModelAndDoesNotListIt() throws Exception {
        String key = keys.create(alice.id(), "script", EnumSet.allOf(ApiScope.class)).secret();

        mvc.perform(post("/v1/images/generations").header("Authorization", "Bearer " + key)
                        .contentType("application/json").content("{\"prompt\":\"a fox\",\"model\":\"video-mp4\"}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.error.param").value("model"))
                .andExpect(jsonPath("$.error.message").value(
                        "Test video (MP4) is a video model; this endpoint makes images. Use POST /api/v1/jobs for videos."));
        mvc.perform(get("/v1/models").header("Authorization", "Bearer " + key))
                .andExpect(jsonPath("$.data[?(@.id == 'video-mp4')]").isEmpty())
                .andExpect(jsonPath("$.data[?(@.id == 'modelfree')]").isNotEmpty());
        assertThat(jobs(alice)).isZero();
    }

    @Test
    void anAdminsRunAgainRepeatsTheVideoAndAJobWhoseInputImageWasRemovedFailsAtItsClaimWithoutCharge() throws Exception {
        onPlan(alice, "pro");
        UUID image = storedImage(alice, "image/png");
        UUID job = accepted(alice, Map.of("modelId", "video-i2v", "inputImageId", image.toString(), "frames", "13",
                "fps", "12"));
        JobParameters parameters = generation.find(job, new Viewer(alice.id(), false)).orElseThrow().parameters();

        GenerationRequest again = JobAdministration.sameAs(parameters);
        assertThat(again.frames()).isEqualTo(13);
        assertThat(again.fps()).isEqualTo(12);
        assertThat(again.inputImageId()).isEqualTo(image);

        db.jdbc().sql("DELETE FROM job_image WHERE id = ?").params(image).update();
        assertThat(administration.detail(job).orElseThrow().workflow()).as("the admin page shows no workflow").isNull();
        assertThat(queue.claim("gpu-1", List.of())).isEmpty();
        JobView failed = generation.find(job, new Viewer(alice.id(), false)).orElseThrow();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error()).isEqualTo("The image this video starts from was removed.");
        assertThat(db.jdbc().sql("SELECT count(*) FROM ledger_entry WHERE job_id = ? AND kind = 'RELEASE'").params(job)
                .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void hostileVideoFieldsGetAMessageOrAClearRefusalNeverAServerError() throws Exception {
        onPlan(alice, "pro");
        Map<String, String> expected = Map.of(
                "abc", "Frames must be a whole number.",
                "1.5", "Frames must be a whole number.",
                "-9", "Frames must be between 5 and 81 for Test video (MP4).",
                "99999999999999999999", "Frames must be a whole number.",
                "9223372036854775807", "Frames must be between 5 and 81 for Test video (MP4).");
        for (Map.Entry<String, String> bad : expected.entrySet()) {
            assertThat(Html.textOf(refused(alice, Map.of("frames", bad.getKey())), "frames-error")).as(bad.getKey())
                    .isEqualTo(bad.getValue());
        }
        assertThat(Html.textOf(refused(alice, Map.of("fps", "0")), "fps-error"))
                .isEqualTo("Frames per second must be between 8 and 24 for Test video (MP4).");
        mvc.perform(form(alice, Map.of("frames", "9\u0000"))).andExpect(status().isBadRequest());
        mvc.perform(get("/generate/quote").with(user(alice)).param("modelId", "video-mp4").param("frames", "x\u0000"))
                .andExpect(status().isBadRequest());
        String quote = mvc.perform(get("/generate/quote").with(user(alice)).param("modelId", "video-mp4")
                .param("frames", "80")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(quote).contains("Choose a valid length and size to see the cost.");
        UUID image = storedImage(alice, "image/png");
        mvc.perform(get("/images/" + image + "/poster").with(user(alice))).andExpect(status().isNotFound());
        mvc.perform(get("/images/not-an-id/poster").with(user(alice))).andExpect(status().isNotFound());
        assertThat(jobs(alice)).as("only the stored image's own job").isEqualTo(1);
    }

    private UUID storedImage(SignedInUser user, String contentType) {
        UUID jobId = generation.enqueue(user.id(), GenerationRequest.of("modelfree", "a picture"));
        UUID imageId = UUID.randomUUID();
        generation.cancel(jobId, user.id()); // its hold released; only the image row matters here
        db.jdbc().sql("INSERT INTO job_image (id, job_id, position, storage_key, content_type, size_bytes, created_at) "
                        + "VALUES (?, ?, 0, ?, ?, 10, now())")
                .params(imageId, jobId, "jobs/" + jobId + "/" + imageId, contentType).update();
        return imageId;
    }

    private void onPlan(SignedInUser user, String planId) {
        terms.apply(user.id(), plans.find(planId).orElseThrow(), BillingPeriod.WEEKLY, SubscriptionSource.UPI, 1);
    }

    private long jobs(SignedInUser user) {
        return db.jdbc().sql("SELECT count(*) FROM generation_job WHERE user_id = ?").params(user.id())
                .query(Long.class).single();
    }

    /** A post that must be refused (422) and change nothing: no job, no hold, the same balance. */
    private String refused(SignedInUser user, Map<String, String> fields) throws Exception {
        long jobsBefore = jobs(user);
        Balance before = statements.balance(user.id());
        String html = mvc.perform(form(user, fields)).andExpect(status().isUnprocessableContent())
                .andReturn().getResponse().getContentAsString();
        assertThat(jobs(user)).as("no job").isEqualTo(jobsBefore);
        assertThat(statements.balance(user.id())).as("no hold, the same balance").isEqualTo(before);
        return html;
    }

    private UUID accepted(SignedInUser user, Map<String, String> fields) throws Exception {
        String location = mvc.perform(form(user, fields)).andExpect(status().is3xxRedirection())
                .andReturn().getResponse().getRedirectedUrl();
        assertThat(location).startsWith("/jobs/");
        return UUID.fromString(location.substring("/jobs/".length()));
    }

    private MockHttpServletRequestBuilder form(SignedInUser user, Map<String, String> fields) {
        Map<String, String> all = new LinkedHashMap<>(Map.of("modelId", "video-mp4", "prompt", "a red fox in snow"));
        all.putAll(fields);
        MockHttpServletRequestBuilder request = post("/generate").with(user(user)).with(csrf());
        all.forEach(request::param);
        return request;
    }
}
