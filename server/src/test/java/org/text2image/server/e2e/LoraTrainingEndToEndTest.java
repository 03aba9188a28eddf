package org.text2image.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockMultipartHttpServletRequestBuilder;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.JobStatus;
import org.text2image.server.generation.JobView;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.PlanTerms;
import org.text2image.server.plans.Plans;
import org.text2image.server.plans.SubscriptionSource;
import org.text2image.server.storage.ImageStore;
import org.text2image.server.support.MutableClock;
import org.text2image.server.training.LoraModel;
import org.text2image.server.training.LoraModels;
import org.text2image.server.training.TrainingFixtures;
import org.text2image.server.web.Html;
import org.text2image.worker.api.WorkerApi;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A custom model from upload to use, on the whole platform: the embedded worker (started with
 * training on and a LoRA folder shared with the ComfyUI stand-in) trains a LoRA from 12 uploaded
 * images as the stand-in answers the captured training run, reporting progress by training step;
 * the server stores the LoRA with its SHA-256; a job made with it runs a workflow with
 * {@code LoraLoaderModelOnly} naming the file, which the worker fetched once and then serves from
 * its cache; deleting the LoRA removes the cached copy at the worker's next claim.
 */
@TestPropertySource(properties = {
        "text2image.embedded-worker.train=true",
        "text2image.training.steps=30"
})
class LoraTrainingEndToEndTest extends EndToEndTestBase {

    private static final Path LORAS = temporaryFolder();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void workerKeepsLoras(DynamicPropertyRegistry registry) {
        registry.add("text2image.embedded-worker.loras-dir", LORAS::toString);
    }

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired PlanTerms terms;
    @Autowired Plans plans;
    @Autowired LoraModels loras;
    @Autowired ImageStore store;
    @Autowired MutableClock clock;

    @BeforeEach
    void standInSharesTheLoraFolder() {
        STAND_IN.lorasFolder(LORAS);
    }

    @AfterEach
    void clockBack() {
        clock.reset();
        STAND_IN.runDuration(Duration.ZERO);
    }

    @Test
    void trainsALoraFromTwelveImagesThenGeneratesWithItFetchingTheFileOnceAndRemovesItWhenDeleted() throws Exception {
        SignedInUser alice = accounts.register("alice@example.com", "correct horse");
        terms.apply(alice.id(), plans.find("pro").orElseThrow(), BillingPeriod.WEEKLY, SubscriptionSource.UPI, 1);

        UUID dataset = createDataset(alice);
        upload(alice, dataset, 0, 10);
        upload(alice, dataset, 10, 12);

        STAND_IN.runDuration(Duration.ofSeconds(4)); // 30 training steps over four seconds
        String trainingPage = mvc.perform(post("/my-models/datasets/" + dataset + "/train").with(user(alice)).with(csrf())
                        .param("submitKey", UUID.randomUUID().toString()))
                .andExpect(status().is3xxRedirection()).andReturn().getResponse().getRedirectedUrl();
        assertThat(trainingPage).startsWith("/my-models/trainings/");

        // Progress by training step, and an estimate of the time left from the (moved) clock.
        JsonNode running = awaitStatus(alice, trainingPage, s -> s.get("step").asInt() > 0 && s.get("active").asBoolean());
        assertThat(running.get("total").asInt()).isEqualTo(30);
        clock.advance(Duration.ofMinutes(30));
        JsonNode later = trainingStatus(alice, trainingPage);
        assertThat(later.get("active").asBoolean()).as("still training: %s", later).isTrue();
        assertThat(later.get("timeLeft").asString()).as("time left at step %d of 30, 30 minutes in", later.get("step").asInt())
                .matches("about \\d+ (h \\d+ )?min");
        String page = mvc.perform(get(trainingPage).with(user(alice))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(Html.textOf(page, "training-step")).matches("Step \\d+ / 30");
        JsonNode done = awaitStatus(alice, trainingPage, s -> !s.get("active").asBoolean());
        assertThat(done.get("status").asString()).isEqualTo("SUCCEEDED");
        STAND_IN.runDuration(Duration.ZERO);

        // Stored with its SHA-256, downloadable by its owner only.
        LoraModel lora = loras.loras(alice.id()).getFirst();
        byte[] file = mvc.perform(get("/my-models/loras/" + lora.id() + "/download").with(user(alice)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsByteArray();
        assertThat(lora.sha256()).isEqualTo(sha256(file));
        assertThat(lora.sizeBytes()).isEqualTo(file.length);
        SignedInUser bob = accounts.register("bob@example.com", "correct horse");
        mvc.perform(get("/my-models/loras/" + lora.id() + "/download").with(user(bob))).andExpect(status().isNotFound());
        mvc.perform(get(trainingPage).with(user(bob))).andExpect(status().isNotFound());

        // Generating with it: LoraLoaderModelOnly after the checkpoint loader; the worker fetched the file.
        JobView first = generateWith(alice, lora, "0.8");
        assertThat(first.status()).as(String.valueOf(first.error())).isEqualTo(JobStatus.SUCCEEDED);
        JsonNode graph = STAND_IN.submittedPrompts().getLast().graph();
        Map.Entry<String, JsonNode> loader = graph.properties().stream()
                .filter(node -> node.getValue().get("class_type").asString().equals("LoraLoaderModelOnly"))
                .findFirst().orElseThrow();
        assertThat(loader.getValue().get("inputs").get("lora_name").asString())
                .isEqualTo(WorkerApi.loraFileName(lora.sha256()));
        assertThat(loader.getValue().get("inputs").get("strength_model").asDouble()).isEqualTo(0.8);
        Path cached = LORAS.resolve(WorkerApi.loraFileName(lora.sha256()));
        assertThat(cached).hasBinaryContent(file);

        // Reused from the cache: with the server's copy gone, a second job still runs with it.
        String key = db.jdbc().sql("SELECT storage_key FROM lora_model WHERE id = ?").params(lora.id())
                .query(String.class).single();
        store.delete(key);
        JobView second = generateWith(alice, lora, "1");
        assertThat(second.status()).as(String.valueOf(second.error())).isEqualTo(JobStatus.SUCCEEDED);

        // Deleted: the next claim tells the worker, which removes its copy.
        mvc.perform(post("/my-models/loras/" + lora.id() + "/delete").with(user(alice)).with(csrf()))
                .andExpect(status().is3xxRedirection());
        JobView plain = awaitJob(generation.submit(alice.id(),
                org.text2image.server.generation.GenerationRequest.of("sd15", "a plain red fox")).id(),
                alice.id(), job -> job.status().isFinal());
        assertThat(plain.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(cached).doesNotExist();
    }

    private UUID createDataset(SignedInUser user) throws Exception {
        String location = mvc.perform(post("/my-models/datasets").with(user(user)).with(csrf())
                        .param("name", "My cat").param("triggerWord", "mycat")
                        .param("formKey", UUID.randomUUID().toString()))
                .andExpect(status().is3xxRedirection()).andReturn().getResponse().getRedirectedUrl();
        return UUID.fromString(location.substring("/my-models/datasets/".length()));
    }

    private void upload(SignedInUser user, UUID dataset, int from, int to) throws Exception {
        MockMultipartHttpServletRequestBuilder request = multipart("/my-models/datasets/" + dataset + "/images");
        long length = 0;
        for (int i = from; i < to; i++) {
            byte[] png = TrainingFixtures.png(i);
            request.file(new MockMultipartFile("images", "cat" + i + ".png", "image/png", png));
            length += png.length;
        }
        // A browser sends the body's length (web/MultipartSizeLimit refuses a multipart body without one);
        // MockMvc keeps the parts apart, so the content stands in for the body with the parts' length.
        byte[] body = new byte[Math.toIntExact(length)];
        mvc.perform(request.param("formKey", UUID.randomUUID().toString()).with(user(user)).with(csrf())
                        .with(r -> {
                            r.setContent(body);
                            return r;
                        }))
                .andExpect(status().is3xxRedirection());
    }

    private JobView generateWith(SignedInUser user, LoraModel lora, String strength) throws Exception {
        String location = mvc.perform(post("/generate").with(user(user)).with(csrf())
                        .param("modelId", "lora:" + lora.id()).param("prompt", "mycat sitting on a beach")
                        .param("loraStrength", strength))
                .andExpect(status().is3xxRedirection()).andReturn().getResponse().getRedirectedUrl();
        UUID jobId = UUID.fromString(location.substring("/jobs/".length()));
        return awaitJob(jobId, user.id(), job -> job.status().isFinal());
    }

    private JsonNode trainingStatus(SignedInUser user, String trainingPage) throws Exception {
        return JSON.readTree(mvc.perform(get(trainingPage + "/status").with(user(user))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString());
    }

    /** Polls the training's status until {@code done} holds, for at most 30 s. */
    private JsonNode awaitStatus(SignedInUser user, String trainingPage, java.util.function.Predicate<JsonNode> done)
            throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        JsonNode status = trainingStatus(user, trainingPage);
        while (!done.test(status) && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
            status = trainingStatus(user, trainingPage);
        }
        assertThat(done.test(status)).as("training reached the expected state; last seen %s", status).isTrue();
        return status;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static Path temporaryFolder() {
        try {
            return Files.createTempDirectory("text2image-loras");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
