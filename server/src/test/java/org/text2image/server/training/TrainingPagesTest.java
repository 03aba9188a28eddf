package org.text2image.server.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.WorkerAvailability;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.PlanTerms;
import org.text2image.server.plans.Plans;
import org.text2image.server.plans.SubscriptionSource;
import org.text2image.server.storage.ImageStore;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;
import org.text2image.server.workers.TestWorkers;

/**
 * The training pages (docs/TRAINING.md, "Training jobs"): My models shows the allowance, the
 * trainings and the LoRAs; Train submits once per form; the training page shows step n / N and the
 * time left; every training and LoRA URL is 404 to another user; bad Train input writes nothing.
 * Test plans: Pro gives 1 training a week.
 */
@PageTest
class TrainingPagesTest {

    private static final String SD15 = "v1-5-pruned-emaonly.safetensors";

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired PlanTerms terms;
    @Autowired Plans plans;
    @Autowired LoraDatasets datasets;
    @Autowired LoraTrainings trainings;
    @Autowired LoraModels loras;
    @Autowired TrainingQueue queue;
    @Autowired ImageStore store;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;
    @Autowired WorkerAvailability workers;

    SignedInUser alice;
    SignedInUser bob;
    UUID dataset;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse");
        bob = accounts.register("bob@example.com", "correct horse");
        terms.apply(alice.id(), plans.find("pro").orElseThrow(), BillingPeriod.WEEKLY, SubscriptionSource.UPI, 1);
        terms.apply(bob.id(), plans.find("pro").orElseThrow(), BillingPeriod.WEEKLY, SubscriptionSource.UPI, 1);
        dataset = TrainingFixtures.dataset(datasets, alice.id(), "My cat", 5);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void trainSubmitsOnceRedirectsToTheTrainingAndMyModelsShowsTheAllowanceUsed() throws Exception {
        assertThat(Html.textOf(datasetPage(alice), "train-allowance")).startsWith("1 of 1 training left this week — renews ");

        String first = train(alice, dataset, "form-key-1");
        String again = train(alice, dataset, "form-key-1");

        assertThat(first).startsWith("/my-models/trainings/").isEqualTo(again);
        assertThat(count("SELECT count(*) FROM lora_training")).isEqualTo(1);
        String list = mvc.perform(get("/my-models").with(user(alice))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(Html.textOf(list, "training-allowance")).startsWith("0 of 1 training left this week — renews ");
        assertThat(Html.text(list)).contains("QUEUED");
        String page = datasetPage(alice);
        assertThat(Html.textOf(page, "train-blocked")).startsWith("You have used your 1 training this week");
        assertThat(Html.tagOf(page, "train-button")).contains("disabled");
    }

    @Test
    void badTrainInputIsRefusedWithAMessageOr404AndWritesNothing() throws Exception {
        UUID bobs = TrainingFixtures.dataset(datasets, bob.id(), "Bob's", 5);
        UUID four = TrainingFixtures.dataset(datasets, alice.id(), "Four", 4);

        mvc.perform(post("/my-models/datasets/" + bobs + "/train").with(user(alice)).with(csrf()).param("submitKey", "k1"))
                .andExpect(status().isNotFound());
        assertThat(Html.textOf(refusedTrain(four, "k2"), "train-error"))
                .isEqualTo("This dataset has 4 images; a training needs 5 to 30.");
        assertThat(Html.textOf(refusedTrain(dataset, ""), "train-error")).contains("This form has expired");
        assertThat(Html.textOf(refusedTrain(dataset, "k".repeat(101)), "train-error")).contains("This form has expired");

        assertThat(count("SELECT count(*) FROM lora_training")).isZero();
    }

    @Test
    void theTrainingPageShowsTheStepsAndTheTimeLeftFromTheTimePerStepSoFar() throws Exception {
        clock.freeze();
        UUID training = trainings.submit(alice.id(), dataset, "key-1");
        queue.claim("gpu-1", List.of(SD15)).orElseThrow();
        clock.advance(Duration.ofMinutes(10));
        queue.heartbeat(training, 1, null, 100, 600);

        String page = mvc.perform(get("/my-models/trainings/" + training).with(user(alice))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(page, "training-status")).isEqualTo("RUNNING");
        assertThat(Html.textOf(page, "training-step")).isEqualTo("Step 100 / 600");
        assertThat(Html.textOf(page, "training-time-left")).isEqualTo("Time left: about 50 min"); // 6 s a step × 500
        assertThat(Html.attributeOf(page, "training-progress", "value")).isEqualTo("16");
        // kept up to date by polling its status (no timed refresh of the whole page: WCAG 2.2.1)
        assertThat(Html.attributeOf(page, "training-page", "data-training-status"))
                .isEqualTo("/my-models/trainings/" + training + "/status");
        assertThat(Html.attributeOf(page, "training-page", "data-training-state")).isEqualTo("RUNNING");
        assertThat(page).contains("/js/training-progress.js").doesNotContain("http-equiv");
        mvc.perform(get("/my-models/trainings/" + training + "/status").with(user(alice)))
                .andExpect(status().isOk()).andExpect(content().json("""
                        {"status": "RUNNING", "step": 100, "total": 600, "percent": 16, "timeLeft": "about 50 min", "active": true}"""));

        mvc.perform(post("/my-models/trainings/" + training + "/cancel").with(user(alice)).with(csrf()))
                .andExpect(status().is3xxRedirection());
        assertThat(trainings.training(training, alice.id(), false).orElseThrow().cancelRequested()).isTrue();
    }

    @Test
    void aQueuedTrainingsPageSaysWhenNoOnlineWorkerTakesTrainings() throws Exception {
        UUID training = trainings.submit(alice.id(), dataset, "key-1");
        TestWorkers.report(workers, "gpu-images-only", List.of(SD15), true, false);
        TestWorkers.report(workers, "gpu-trains-sdxl", List.of("sd_xl_base_1.0.safetensors"), false, true);

        assertThat(Html.textOf(trainingPage(training), "no-training-worker"))
                .startsWith("No online GPU worker takes trainings right now");

        TestWorkers.report(workers, "gpu-trains", List.of(SD15), false, true);
        assertThat(trainingPage(training)).contains("id=\"training-queued\"").doesNotContain("no-training-worker");
    }

    @Test
    void anotherUserGets404OnEveryTrainingAndLoraUrlAndNothingChanges() throws Exception {
        UUID training = trainings.submit(alice.id(), dataset, "key-1");
        UUID lora = storedLora();

        mvc.perform(get("/my-models/trainings/" + training).with(user(bob))).andExpect(status().isNotFound());
        mvc.perform(get("/my-models/trainings/" + training + "/status").with(user(bob))).andExpect(status().isNotFound());
        mvc.perform(post("/my-models/trainings/" + training + "/cancel").with(user(bob)).with(csrf()))
                .andExpect(status().isNotFound());
        mvc.perform(get("/my-models/loras/" + lora + "/download").with(user(bob))).andExpect(status().isNotFound());
        mvc.perform(post("/my-models/loras/" + lora + "/delete").with(user(bob)).with(csrf()))
                .andExpect(status().isNotFound());
        mvc.perform(get("/my-models/trainings/" + UUID.randomUUID()).with(user(bob))).andExpect(status().isNotFound());

        assertThat(trainings.training(training, alice.id(), false).orElseThrow().status()).isEqualTo(TrainingStatus.QUEUED);
        assertThat(loras.lora(lora, alice.id(), false)).isPresent();
    }

    @Test
    void theOwnerDownloadsTheLoraAsAnAttachmentAndDeletesIt() throws Exception {
        UUID lora = storedLora();
        String list = mvc.perform(get("/my-models").with(user(alice))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(list).contains("/generate?model=lora:" + lora).contains("/my-models/loras/" + lora + "/download")
                .contains("Stable Diffusion 1.5"); // the base model by its catalog name

        mvc.perform(get("/my-models/loras/" + lora + "/download").with(user(alice)))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Disposition", "attachment; filename=\"mycat.safetensors\""))
                .andExpect(content().bytes(TrainingFixtures.safetensors(128)));
        mvc.perform(post("/my-models/loras/" + lora + "/delete").with(user(alice)).with(csrf()))
                .andExpect(status().is3xxRedirection());

        assertThat(loras.lora(lora, alice.id(), false)).isEmpty();
        assertThat(store.get("lora-models/" + alice.id() + "/" + lora + ".safetensors")).isEmpty();
    }

    @Test
    void aDoubleClickOnNewDatasetCreatesOneDataset() throws Exception {
        String key = UUID.randomUUID().toString();
        String first = mvc.perform(post("/my-models/datasets").with(user(alice)).with(csrf()).param("name", "Twice")
                .param("triggerWord", "twice").param("formKey", key)).andExpect(status().is3xxRedirection())
                .andReturn().getResponse().getRedirectedUrl();
        String second = mvc.perform(post("/my-models/datasets").with(user(alice)).with(csrf()).param("name", "Twice")
                .param("triggerWord", "twice").param("formKey", key)).andExpect(status().is3xxRedirection())
                .andReturn().getResponse().getRedirectedUrl();

        assertThat(second).isEqualTo(first);
        assertThat(count("SELECT count(*) FROM lora_dataset WHERE name = 'Twice'")).isEqualTo(1);
    }

    @Test
    void twoPostsOfOneNewDatasetKeyAtTheSameMomentCreateOneDataset() throws Exception {
        String key = UUID.randomUUID().toString();
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
        java.util.concurrent.Callable<UUID> post = () -> {
            start.await();
            return datasets.create(alice.id(), "Together", "together", key);
        };
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
            var first = pool.submit(post);
            var second = pool.submit(post);
            assertThat(second.get()).isEqualTo(first.get());
        }
        assertThat(count("SELECT count(*) FROM lora_dataset WHERE name = 'Together'")).isEqualTo(1);
    }

    @Test
    void aRepeatedUploadWithTheSameKeyAddsItsImagesOnce() {
        String key = UUID.randomUUID().toString();
        List<LoraDatasets.Upload> two = List.of(new LoraDatasets.Upload("a.png", TrainingFixtures.png(40)),
                new LoraDatasets.Upload("b.png", TrainingFixtures.png(41)));
        int before = datasets.dataset(dataset, alice.id(), false).orElseThrow().imageCount();

        assertThat(datasets.addImages(dataset, alice.id(), two, key)).isTrue();
        assertThat(datasets.addImages(dataset, alice.id(), two, key)).as("the replay").isTrue();

        assertThat(datasets.dataset(dataset, alice.id(), false).orElseThrow().imageCount()).isEqualTo(before + 2);
        assertThat(datasets.addImages(dataset, alice.id(), two, UUID.randomUUID().toString())).as("a new upload").isTrue();
        assertThat(datasets.dataset(dataset, alice.id(), false).orElseThrow().imageCount()).isEqualTo(before + 4);
    }

    private UUID storedLora() {
        UUID id = UUID.randomUUID();
        String key = "lora-models/" + alice.id() + "/" + id + ".safetensors";
        store.put(key, TrainingFixtures.safetensors(128));
        loras.insert(id, alice.id(), null, "My cat", "mycat", "sd15", SD15, key, "a".repeat(64), 128 + 80, clock.instant());
        return id;
    }

    private String datasetPage(SignedInUser user) throws Exception {
        return mvc.perform(get("/my-models/datasets/" + dataset).with(user(user))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
    }

    private String train(SignedInUser user, UUID id, String key) throws Exception {
        return mvc.perform(post("/my-models/datasets/" + id + "/train").with(user(user)).with(csrf()).param("submitKey", key))
                .andExpect(status().is3xxRedirection()).andReturn().getResponse().getRedirectedUrl();
    }

    private String refusedTrain(UUID id, String key) throws Exception {
        return mvc.perform(post("/my-models/datasets/" + id + "/train").with(user(alice)).with(csrf()).param("submitKey", key))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
    }

    private long count(String sql) {
        return db.jdbc().sql(sql).query(Long.class).single();
    }

    private String trainingPage(UUID training) throws Exception {
        return mvc.perform(get("/my-models/trainings/" + training).with(user(alice))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
    }
}
