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
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.generation.TestLoras;
import org.text2image.server.generation.WorkerAvailability;
import org.text2image.server.storage.ImageStore;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.training.LoraModels;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;
import org.text2image.server.workers.TestWorkers;

/** The Generate form's "My models" group: choosing one of your LoRAs, its strength, and what is refused. */
@PageTest
class GenerateWithLoraPageTest {

    private static final java.util.regex.Pattern SDXL_SELECTED =
            java.util.regex.Pattern.compile("<option value=\"sdxl\"[^>]*selected=\"selected\"");
    private static final String SD15_CHECKPOINT = "v1-5-pruned-emaonly.safetensors";
    private static final String SDXL_CHECKPOINT = "sd_xl_base_1.0.safetensors";
    private static final String STRENGTH_MESSAGE = "LoRA strength must be a number from −2 to 2, such as 1 or 0.75.";

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;
    @Autowired ImageStore store;
    @Autowired LoraModels loraModels;
    @Autowired TestDatabase db;
    @Autowired WorkerAvailability workers;

    SignedInUser alice;
    SignedInUser bob;
    TestLoras.Lora cat;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse");
        bob = accounts.register("bob@example.com", "correct horse");
        cat = TestLoras.create(db, store, alice.id(), "My cat", "sdxl");
    }

    @Test
    void theModelListHasTheUsersLorasUnderMyModels() throws Exception {
        String html = page(get("/generate"), alice);

        assertThat(html).contains("<optgroup label=\"My models\" id=\"my-models-group\">");
        assertThat(html).contains("<option value=\"" + cat.formValue() + "\">My cat (SDXL)</option>");
        assertThat(html).as("no strength until a LoRA is chosen").doesNotContain("id=\"loraStrength\"");
        assertThat(page(get("/generate"), bob)).doesNotContain("My models\"").doesNotContain("My cat");
    }

    @Test
    void anAdminSeesOnlyTheirOwnLoras() throws Exception {
        SignedInUser admin = TestAccounts.admin(accounts, db, "admin@example.com");

        assertThat(page(get("/generate"), admin)).doesNotContain("My cat").doesNotContain(cat.id().toString());
    }

    @Test
    void aLinkPreselectsTheLoraWithItsStrengthAndTheBaseModelsFields() throws Exception {
        String html = page(get("/generate").param("model", cat.formValue()), alice);

        assertThat(html).contains("<option value=\"" + cat.formValue() + "\" selected=\"selected\">My cat (SDXL)</option>");
        assertThat(Html.attributeOf(html, "loraStrength", "value")).isEqualTo("1");
        assertThat(Html.attributeOf(html, "loraStrength", "min")).isEqualTo("-2");
        assertThat(Html.attributeOf(html, "loraStrength", "max")).isEqualTo("2");
        assertThat(Html.attributeOf(html, "loraStrength", "step")).isEqualTo("0.05");
        assertThat(html).contains("<label for=\"loraStrength\">LoRA strength</label>");
        assertThat(Html.attributeOf(html, "width", "value")).as("SDXL's size").isEqualTo("1024");
        assertThat(Html.textOf(html, "cost")).startsWith("This will cost 3 credits");
        assertThat(page(get("/generate").param("model", TestLoras.create(db, store, bob.id(), "Bob's", "sd15").formValue()), alice))
                .as("another user's LoRA is not preselected").doesNotContain("id=\"loraStrength\"");
    }

    @Test
    void choosingTheLoraBringsItsStrengthFieldAndTheBaseModelsPrice() throws Exception {
        String fields = page(get("/generate/advanced").param("modelId", cat.formValue()), alice);
        assertThat(Html.attributeOf(fields, "lora-fields", "hx-swap-oob")).isEqualTo("true");
        assertThat(Html.attributeOf(fields, "loraStrength", "value")).isEqualTo("1");
        assertThat(Html.attributeOf(fields, "steps", "max")).as("SDXL's steps").isEqualTo("60");

        String plain = page(get("/generate/advanced").param("modelId", "sd15"), alice);
        assertThat(plain).contains("id=\"lora-fields\"").doesNotContain("id=\"loraStrength\"");

        String cost = page(get("/generate/quote").param("modelId", cat.formValue()).param("batchSize", "1")
                .param("width", "1024").param("height", "1024"), alice);
        assertThat(Html.textOf(cost, "cost")).startsWith("This will cost 3 credits");
    }

    @Test
    void aSubmitWithTheLoraMakesAJobThatShowsItAndCanBeReused() throws Exception {
        String location = submit(alice, Map.of("modelId", cat.formValue(), "loraStrength", "0.75"))
                .andExpect(status().is3xxRedirection()).andReturn().getResponse().getRedirectedUrl();

        String job = page(get(location), alice);
        assertThat(Html.textOf(job, "job-model")).isEqualTo("SDXL");
        assertThat(Html.textOf(job, "job-lora")).isEqualTo("My cat × 0.75");
        assertThat(Html.text(job)).contains("LoRA My cat × 0.75");

        String again = page(get("/generate").param("from", location.substring("/jobs/".length())), alice);
        assertThat(again).contains("<option value=\"" + cat.formValue() + "\" selected=\"selected\">");
        assertThat(Html.attributeOf(again, "loraStrength", "value")).isEqualTo("0.75");

        loraModels.delete(cat.id(), alice.id());
        assertThat(Html.textOf(page(get(location), alice), "job-lora")).isEqualTo("a deleted custom model × 0.75");
        String afterDelete = page(get("/generate").param("from", location.substring("/jobs/".length())), alice);
        assertThat(afterDelete).doesNotContain("id=\"loraStrength\"").containsPattern(SDXL_SELECTED);
    }

    @Test
    void anotherUsersAMalformedOrADeletedLoraGetsTheSameMessageAndWritesNothing() throws Exception {
        TestLoras.Lora bobs = TestLoras.create(db, store, bob.id(), "Bob's dog", "sd15");
        TestLoras.Lora gone = TestLoras.create(db, store, alice.id(), "Gone", "sd15");
        loraModels.delete(gone.id(), alice.id());

        for (String value : new String[] {bobs.formValue(), gone.formValue(), "lora:" + UUID.randomUUID(), "lora:abc",
                "lora:", "lora: " + bobs.id()}) {
            String html = submit(alice, Map.of("modelId", value)).andExpect(status().isUnprocessableContent())
                    .andReturn().getResponse().getContentAsString();
            assertThat(Html.textOf(html, "modelId-error")).as(value).isEqualTo("Choose one of your models.");
        }
        assertNothingWritten();
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "NaN", "Infinity", "-Infinity", "3", "-3", "2.01", "0x1p0", "1d",
            "1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111"
                    + "1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111"
                    + "1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111"
                    + "1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111"})
    void aStrengthThatIsNotANumberFromMinusTwoToTwoGetsAMessageBesideTheField(String strength) throws Exception {
        String html = submit(alice, Map.of("modelId", cat.formValue(), "loraStrength", strength))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "loraStrength-error")).isEqualTo(STRENGTH_MESSAGE);
        assertThat(html).as("the choice is kept").contains("<option value=\"" + cat.formValue() + "\" selected=\"selected\">");
        assertNothingWritten();
    }

    @Test
    void aNulCharacterInTheModelOrTheStrengthIsRefusedBeforeAnythingRuns() throws Exception {
        for (Map<String, String> fields : java.util.List.of(Map.of("modelId", cat.formValue() + "\u0000"),
                Map.of("modelId", cat.formValue(), "loraStrength", "1\u0000"))) {
            String reason = submit(alice, fields).andExpect(status().isBadRequest()).andReturn().getResponse()
                    .getErrorMessage();
            assertThat(reason).contains("contains a NUL character");
        }
        assertNothingWritten();
    }

    @Test
    void theChoiceIsKeptAfterAnotherFieldIsRefused() throws Exception {
        String html = submit(alice, Map.of("modelId", cat.formValue(), "prompt", "", "loraStrength", "0.5"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();

        assertThat(html).contains("<option value=\"" + cat.formValue() + "\" selected=\"selected\">");
        assertThat(Html.attributeOf(html, "loraStrength", "value")).isEqualTo("0.5");
        assertThat(html).doesNotContainPattern(SDXL_SELECTED);
    }

    @Test
    void aLoraWhoseBaseModelNoWorkerHasOrIsNoLongerOfferedIsListedDisabledWithTheReason() throws Exception {
        TestWorkers.report(workers, "gpu-15", List.of(SD15_CHECKPOINT), true, false);
        TestLoras.Lora retired = TestLoras.create(db, store, alice.id(), "Old one", "retired");

        String html = page(get("/generate"), alice);

        assertThat(html).contains("<option value=\"" + cat.formValue()
                + "\" disabled=\"disabled\">My cat (SDXL) — unavailable: no GPU worker has its base model</option>");
        assertThat(html).contains("<option value=\"" + retired.formValue()
                + "\" disabled=\"disabled\">Old one (retired) — its base model is not offered now</option>");
    }

    @Test
    void theStrengthFieldSaysWhenOnlineWorkersCannotRunLoras() throws Exception {
        TestWorkers.report(workers, "gpu-xl", List.of(SDXL_CHECKPOINT), false, false);
        String without = page(get("/generate/advanced").param("modelId", cat.formValue()), alice);
        assertThat(Html.textOf(without, "lora-no-worker")).startsWith("No online GPU worker runs your own models right now");

        String location = submit(alice, Map.of("modelId", cat.formValue())).andExpect(status().is3xxRedirection())
                .andReturn().getResponse().getRedirectedUrl();
        assertThat(Html.textOf(page(get(location + "/status"), alice), "no-worker-has-model"))
                .startsWith("No online GPU worker runs your own models on SDXL right now.");

        TestWorkers.report(workers, "gpu-xl-loras", List.of(SDXL_CHECKPOINT), true, false);
        assertThat(page(get("/generate/advanced").param("modelId", cat.formValue()), alice))
                .contains("id=\"loraStrength\"").doesNotContain("lora-no-worker");
        assertThat(page(get(location + "/status"), alice)).doesNotContain("no-worker-has-model");
        assertThat(page(get("/generate/advanced").param("modelId", "sdxl"), alice)).doesNotContain("lora-no-worker");
    }

    private ResultActions submit(SignedInUser user, Map<String, String> overrides) throws Exception {
        Map<String, String> form = new LinkedHashMap<>(Map.of("prompt", "sks cat on a sofa", "negativePrompt", "",
                "width", "1024", "height", "1024", "batchSize", "1", "seed", "", "steps", "25", "cfgScale", "7"));
        form.putAll(overrides);
        MockHttpServletRequestBuilder request = post("/generate").with(csrf()).with(user(user));
        form.forEach(request::param);
        return mvc.perform(request);
    }

    private String page(MockHttpServletRequestBuilder request, SignedInUser user) throws Exception {
        return mvc.perform(request.with(user(user))).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
    }

    private void assertNothingWritten() {
        assertThat(db.jdbc().sql("SELECT count(*) FROM generation_job").query(Long.class).single()).isZero();
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(20, 0));
    }
}
