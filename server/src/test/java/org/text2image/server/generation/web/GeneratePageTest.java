package org.text2image.server.generation.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.WorkerAvailability;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;
import org.text2image.server.workers.TestWorkers;

@PageTest
class GeneratePageTest {

    @Autowired MockMvc mvc;
    @Autowired WorkerAvailability workers;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired TestDatabase db;

    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse");
    }

    @Test
    void formShowsTheCostAndAModelDropdownOfTheEnabledModels() throws Exception {
        String html = page(get("/generate"));

        assertThat(Html.text(Html.tagOf(html, "modelId"))).isEmpty();
        assertThat(html).contains("<select id=\"modelId\" name=\"modelId\"");
        assertThat(Html.text(html)).contains("Stable Diffusion 1.5 — 1 credit", "SDXL — 3 credits", "Test pattern — 2 credits")
                .doesNotContain("Retired model");
        assertThat(Html.textOf(html, "cost")).isEqualTo("This will cost 1 credit · you have 20");
        assertThat(Html.attributeOf(html, "prompt", "maxlength")).isEqualTo("2000");
        assertThat(Html.textOf(html, "prompt-help")).contains("Up to 2000 characters");
        assertThat(Html.attributeOf(html, "width", "min")).isEqualTo("64");
        assertThat(Html.attributeOf(html, "width", "max")).isEqualTo("1024");
        assertThat(Html.attributeOf(html, "width", "value")).isEqualTo("512");
        assertThat(Html.attributeOf(html, "batchSize", "max")).isEqualTo("1");
        assertThat(Html.textOf(html, "batchSize-help")).as("the limit is 1").isEqualTo("1 image per job.");
        assertThat(Html.textOf(html, "size-help")).contains("Multiples of 64 are recommended");
        assertThat(Html.attributeOf(html, "steps", "value")).isEqualTo("20");
        assertThat(Html.attributeOf(html, "cfgScale", "value")).isEqualTo("7");
        assertThat(Html.attributeOf(html, "seed", "value")).isEmpty();
        assertThat(Html.attributeOf(html, "seed", "placeholder")).isEqualTo("Random");
        assertThat(Html.attributeOf(html, "nav-generate", "aria-current")).isEqualTo("page");
        for (String field : List.of("prompt", "negativePrompt", "modelId", "width", "height", "batchSize", "seed",
                "steps", "cfgScale", "sampler", "scheduler")) {
            assertThat(html).as("label for " + field).contains("<label for=\"" + field + "\">");
        }
    }

    @Test
    void costFragmentFollowsTheModelAndBatchSize() throws Exception {
        String html = page(get("/generate/quote").param("modelId", "sdxl").param("batchSize", "1"));
        assertThat(Html.textOf(html, "cost")).isEqualTo("This will cost 3 credits · you have 20");
        assertThat(Html.textOf(page(get("/generate/quote").param("modelId", "sd15").param("batchSize", "2")), "cost"))
                .isEqualTo("Choose a model and a valid number of images to see the cost.");
    }

    @Test
    void theCostLineExplainsAPriceRaisedByTheImageSize() throws Exception {
        String html = page(get("/generate/quote").param("modelId", "sd15").param("batchSize", "1")
                .param("width", "1024").param("height", "576"));
        assertThat(Html.textOf(html, "cost"))
                .isEqualTo("This will cost 3 credits (1 credit per image × 3 for 1024×576 (base 512×512)) · you have 20");
    }

    @Test
    void aSubmitIsHeldAtThePriceTheFormShowed() throws Exception {
        submit(Map.of("modelId", "sd15", "width", "1024", "height", "576")).andExpect(status().is3xxRedirection());
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(17, 3));
    }

    @Test
    void sizeThatIsNotAMultipleOf64GetsAGentleWarningNotARefusal() throws Exception {
        String hints = page(get("/generate/quote").param("modelId", "sd15").param("width", "500").param("height", "512"));
        assertThat(Html.textOf(hints, "width-hint")).isEqualTo(
                "Not a multiple of 64: it will still work, but 448 or 512 usually gives cleaner results.");
        assertThat(Html.attributeOf(hints, "width-hint", "hx-swap-oob")).isEqualTo("true");
        assertThat(Html.textOf(hints, "height-hint")).isEmpty();

        String location = submit(Map.of("width", "500")).andExpect(status().is3xxRedirection())
                .andReturn().getResponse().getRedirectedUrl();
        assertThat(location).startsWith("/jobs/");
    }

    @Test
    void changingTheModelLoadsItsAdvancedDefaults() throws Exception {
        String html = page(get("/generate/advanced").param("modelId", "sdxl"));
        assertThat(Html.attributeOf(html, "steps", "value")).isEqualTo("25");
        assertThat(Html.attributeOf(html, "steps", "max")).isEqualTo("60");
        assertThat(html).contains("id=\"advanced-model-fields\"");
    }

    @ParameterizedTest(name = "{0} = \"{1}\"")
    @CsvSource(delimiter = '|', textBlock = """
            prompt     |          | Write a prompt: describe the image you want.
            prompt     | <long>   | This is 2001 characters; the limit is 2000.
            width      | 63       | Width must be between 64 and 1024 pixels.
            width      | 1025     | Width must be between 64 and 1024 pixels.
            width      | abc      | Width must be a whole number.
            width      | 1.5      | Width must be a whole number.
            height     | 2048     | Height must be between 64 and 1024 pixels.
            batchSize  | 2        | Batch size must be between 1 and 1.
            modelId    | nope     | Unknown model "nope".
            modelId    | retired  | The model "Retired model" is not available.
            steps      | 51       | Steps must be between 1 and 50 for Stable Diffusion 1.5.
            steps      | 1e3      | Steps must be a whole number.
            seed       | -1       | Seed must be between 0 and 9223372036854775807.
            seed       | lucky    | Seed must be a whole number from 0 to 9223372036854775807, or empty for a random one.
            cfgScale   | 25       | CFG scale must be between 1.0 and 20.0 for Stable Diffusion 1.5.
            cfgScale   | strong   | CFG scale must be a number, such as 7 or 7.5.
            sampler    | magic    | Unknown sampler "magic".
            """)
    void badInputIsShownBesideItsFieldAndWritesNothing(String field, String value, String message) throws Exception {
        String typed = value == null ? "" : value.equals("<long>") ? "x".repeat(2001) : value;

        String html = submit(Map.of(field, typed)).andExpect(status().isUnprocessableContent())
                .andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, field + "-error")).isEqualTo(message);
        assertThat(html).as("no message beside other fields").containsOnlyOnce("class=\"field-error\"");
        if (!field.equals("prompt") && !field.equals("modelId") && !field.equals("sampler")) {
            assertThat(Html.attributeOf(html, field, "value")).as("the input is kept").isEqualTo(typed);
            assertThat(Html.textOf(html, "prompt")).isEqualTo("a lighthouse at dusk");
        }
        assertNothingWritten();
    }

    @Test
    void severalBadFieldsAreAllReportedAtOnce() throws Exception {
        String html = submit(Map.of("prompt", " ", "width", "abc", "steps", "0")).andExpect(status().isUnprocessableContent())
                .andReturn().getResponse().getContentAsString();
        assertThat(Html.textOf(html, "prompt-error")).startsWith("Write a prompt");
        assertThat(Html.textOf(html, "width-error")).isEqualTo("Width must be a whole number.");
        assertThat(Html.textOf(html, "steps-error")).startsWith("Steps must be between 1 and 50");
        assertThat(Html.tagOf(html, "advanced")).contains("open");
        assertNothingWritten();
    }

    @Test
    void costAboveTheBalanceShowsTheMessageAndBuyCreditsLinkAndWritesNothing() throws Exception {
        for (int i = 0; i < 6; i++) {
            generation.submit(alice.id(), GenerationRequest.of("sdxl", "job " + i));
        }
        long entries = count("ledger_entry");

        String html = submit(Map.of("modelId", "sdxl")).andExpect(status().isPaymentRequired())
                .andReturn().getResponse().getContentAsString();

        assertThat(Html.text(Html.textOf(html, "problem"))).startsWith("This costs 3 credits but you have 2 available.");
        assertThat(Html.attributeOf(html, "buy-credits", "href")).isEqualTo("/buy");
        assertThat(Html.attributeOf(html, "cost-buy-credits", "href")).isEqualTo("/buy");
        assertThat(count("generation_job")).isEqualTo(6);
        assertThat(count("ledger_entry")).isEqualTo(entries);
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(2, 18));
    }

    @Test
    void validSubmitRedirectsToTheJobPageAndHoldsThePrice() throws Exception {
        String location = submit(Map.of("modelId", "sdxl", "seed", "42")).andExpect(status().is3xxRedirection())
                .andReturn().getResponse().getRedirectedUrl();

        assertThat(location).matches("/jobs/[0-9a-f-]{36}");
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(17, 3));
        assertThat(Html.textOf(page(get("/generate")), "balance")).isEqualTo("17 credits · 3 reserved");
        String job = page(get(location));
        assertThat(Html.textOf(job, "job-state")).isEqualTo("Queued — position 1");
        assertThat(Html.textOf(job, "job-seed")).isEqualTo("42");
    }

    @Test
    void offlineBannerShowsWhenNoWorkerWasSeen() throws Exception {
        assertThat(Html.text(page(get("/generate")))).contains("The generator is offline right now. You can still submit:"
                + " your job waits in the queue and runs when a GPU worker comes back.");

        TestWorkers.report(workers, "test-worker", false, List.of());
        assertThat(Html.textOf(page(get("/generate")), "generator-offline"))
                .contains("the GPU worker cannot reach its image engine (ComfyUI)");

        TestWorkers.report(workers, "test-worker", true, List.of());
        assertThat(page(get("/generate"))).doesNotContain("id=\"generator-offline\"");
    }

    @Test
    void reuseTheseSettingsPrefillsTheFormFromTheUsersOwnJob() throws Exception {
        JobView job = generation.submit(alice.id(), new GenerationRequest("sdxl", "a red fox", "blurry", 768, 640, 1,
                1234L, 30, 5.5, null, null));

        String html = page(get("/generate").param("from", job.id().toString()));

        assertThat(Html.textOf(html, "prompt")).isEqualTo("a red fox");
        assertThat(Html.textOf(html, "negativePrompt")).isEqualTo("blurry");
        assertThat(Html.attributeOf(html, "width", "value")).isEqualTo("768");
        assertThat(Html.attributeOf(html, "height", "value")).isEqualTo("640");
        assertThat(Html.attributeOf(html, "seed", "value")).isEqualTo("1234");
        assertThat(Html.attributeOf(html, "steps", "value")).isEqualTo("30");
        assertThat(Html.attributeOf(html, "cfgScale", "value")).isEqualTo("5.5");
        assertThat(html).containsPattern("<option value=\"sdxl\"[^>]* selected=\"selected\"");
        assertThat(Html.textOf(html, "cost")).isEqualTo("This will cost 3 credits · you have 17");

        SignedInUser bob = accounts.register("bob@example.com", "correct horse");
        mvc.perform(get("/generate").param("from", job.id().toString()).with(user(bob))).andExpect(status().isNotFound());
    }

    @Test
    void aModelWhoseWorkflowHasNoSamplerOffersNoSamplerFields() throws Exception {
        String fields = page(get("/generate/advanced").param("modelId", "modelfree").param("negativePrompt", "blurry"));

        for (String field : List.of("seed", "steps", "cfgScale", "sampler", "scheduler", "negativePrompt")) {
            assertThat(fields).as(field).doesNotContain("id=\"" + field + "\"");
        }
        assertThat(Html.textOf(fields, "no-advanced")).isEqualTo("This model has no advanced settings.");
        assertThat(fields).as("the typed negative prompt is kept for a switch back")
                .contains("<input type=\"hidden\" name=\"negativePrompt\" value=\"blurry\">");
        assertThat(Html.attributeOf(fields, "negative-field", "hx-swap-oob")).as("the negative prompt follows too")
                .isEqualTo("true");

        String full = page(get("/generate/advanced").param("modelId", "sdxl").param("seed", "42")
                .param("negativePrompt", "blurry"));
        for (String field : List.of("seed", "steps", "cfgScale", "sampler", "scheduler", "negativePrompt")) {
            assertThat(full).as(field).contains("id=\"" + field + "\"");
        }
        assertThat(Html.attributeOf(full, "seed", "value")).as("the typed seed is kept").isEqualTo("42");
        assertThat(Html.textOf(full, "negativePrompt")).as("the typed negative prompt is kept").isEqualTo("blurry");
        assertThat(full).doesNotContain("id=\"no-advanced\"");
    }

    @Test
    void parametersTheModelsWorkflowDoesNotUseAreIgnoredAndNotShownOnTheJobPage() throws Exception {
        String location = submit(Map.of("modelId", "modelfree", "steps", "9999", "cfgScale", "-3", "sampler", "bogus",
                "seed", "77", "negativePrompt", "blurry")).andExpect(status().is3xxRedirection())
                .andReturn().getResponse().getRedirectedUrl();

        assertThat(db.jdbc().sql("SELECT steps FROM generation_job").query(Integer.class).single())
                .as("the model's default, not the ignored 9999").isEqualTo(20);
        String job = page(get(location));
        for (String shownOnlyWhenUsed : List.of("job-seed", "job-steps", "job-cfg", "job-sampler", "job-scheduler",
                "job-negative-prompt")) {
            assertThat(job).as(shownOnlyWhenUsed).doesNotContain("id=\"" + shownOnlyWhenUsed + "\"");
        }
        assertThat(Html.textOf(job, "job-model")).isEqualTo("Test pattern");
        String form = page(get("/generate").param("from", location.substring("/jobs/".length())));
        assertThat(form).doesNotContain("id=\"steps\"").doesNotContain("id=\"sampler\"");

        String sampled = submit(Map.of("seed", "77", "negativePrompt", "blurry")).andReturn().getResponse().getRedirectedUrl();
        String sampledJob = page(get(sampled));
        assertThat(Html.textOf(sampledJob, "job-seed")).isEqualTo("77");
        assertThat(Html.textOf(sampledJob, "job-steps")).isEqualTo("20");
        assertThat(Html.textOf(sampledJob, "job-sampler")).isEqualTo("euler");
    }

    private org.springframework.test.web.servlet.ResultActions submit(Map<String, String> overrides) throws Exception {
        Map<String, String> form = new LinkedHashMap<>(Map.of("modelId", "sd15", "prompt", "a lighthouse at dusk",
                "negativePrompt", "", "width", "512", "height", "512", "batchSize", "1", "seed", "", "steps", "20",
                "cfgScale", "7"));
        form.putAll(overrides);
        MockHttpServletRequestBuilder request = post("/generate").with(csrf()).with(user(alice));
        form.forEach(request::param);
        return mvc.perform(request);
    }

    private String page(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.with(user(alice))).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }

    private void assertNothingWritten() {
        assertThat(count("generation_job")).isZero();
        assertThat(count("ledger_entry")).as("only the signup grant").isEqualTo(1);
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20, 0));
    }

    private long count(String table) {
        return db.jdbc().sql("SELECT count(*) FROM " + table).query(Long.class).single();
    }
}
