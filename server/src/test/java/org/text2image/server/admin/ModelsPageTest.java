package org.text2image.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.catalog.Model;
import org.text2image.server.catalog.ModelCatalog;
import org.text2image.server.catalog.ModelCatalogReloads;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.LeasedJob;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.WorkerAvailability;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.DatabaseSignals;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;
import org.text2image.server.workers.TestWorkers;

/**
 * /admin/models: the catalog, the workers that can run each model, and each model's figures over 7
 * days; "reload models" swaps in a valid file only. The models file is a copy of the test catalog
 * in {@code target/}, which the tests rewrite.
 */
@PageTest
@TestPropertySource(properties = "text2image.catalog.models-file=target/models-reload-test/models.json")
class ModelsPageTest {

    static final Path ORIGINAL = Path.of("src/test/resources/config");
    static final Path COPY = Path.of("target/models-reload-test");

    static {
        copyCatalog(); // before the context reads it
    }

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired WorkerAvailability workers;
    @Autowired ModelCatalog catalog;
    @Autowired ModelCatalogReloads reloads;
    @Autowired DatabaseSignals signals;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;

    SignedInUser admin;
    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        clock.reset();
        copyCatalog();
        reloads.swap(reloads.check());
        admin = TestAccounts.admin(accounts, db, "admin@example.com");
        alice = accounts.register("alice@example.com", "correct horse battery");
    }

    @AfterEach
    void restore() {
        clock.reset();
        copyCatalog();
        reloads.swap(reloads.check());
    }

    @Test
    void everyModelWithTheWorkersThatCanRunItAndItsJobsFailureRateAndMedianRunTime() throws Exception {
        TestWorkers.report(workers, "gpu-one", true, List.of(TestCatalog.SD15));
        TestWorkers.report(workers, "gpu-two", true, TestCatalog.CHECKPOINTS);
        TestWorkers.report(workers, "gpu-down", false, TestCatalog.CHECKPOINTS);
        JobView old = submit("sd15", "last month");
        db.jdbc().sql("UPDATE generation_job SET created_at = created_at - interval '8 days' WHERE id = ?").params(old.id()).update();
        generation.cancel(old.id(), alice.id());
        JobView fast = submit("sd15", "fast");
        LeasedJob leased = queue.claim("gpu-one", List.of(TestCatalog.SD15)).orElseThrow();
        clock.advance(Duration.ofSeconds(6));
        queue.complete(fast.id(), leased.attempt(), WorkerIdentity.CONFIGURED, TestImages.result(db, fast.id()));
        JobView broken = submit("sd15", "broken");
        queue.fail(broken.id(), queue.claim("gpu-one", List.of(TestCatalog.SD15)).orElseThrow().attempt(),
                WorkerIdentity.CONFIGURED, "Checkpoint missing", false);
        submit("sdxl", "waiting");

        String html = page("/admin/models");

        assertThat(Html.textOf(html, "model-sd15")).contains("Stable Diffusion 1.5", TestCatalog.SD15, "1 credit",
                "gpu-one, gpu-two", "50.0 %").doesNotContain("gpu-down");
        assertThat(Html.textOf(html, "model-sd15")).as("the median run time: 6 s of clock, and the test's own time")
                .containsPattern(" 6\\.\\d s$");
        assertThat(Html.textOf(html, "model-sd15").split(" gpu-two ")[1]).startsWith("2 ");
        assertThat(Html.textOf(html, "model-sdxl")).contains("gpu-two", "3 credits", "1 —", "—").doesNotContain("gpu-one");
        assertThat(Html.textOf(html, "model-modelfree")).contains("gpu-one, gpu-two");
        assertThat(Html.textOf(html, "model-retired")).contains("disabled", "none");
        assertThat(Html.attributeOf(html, "model-sd15", "id")).isEqualTo("model-sd15");
        assertThat(html).contains("/admin/jobs?model=sd15&amp;from=");
        assertThat(Html.textOf(page("/admin/models?q=stable"), "models")).contains("Stable Diffusion").doesNotContain("SDXL");
        mvc.perform(get("/admin/models").param("q", "x".repeat(5000)).with(user(admin))).andExpect(status().isOk());
    }

    @Test
    void aReloadOfAnInvalidFileIsRefusedAndTheOldCatalogStays() throws Exception {
        Files.writeString(COPY.resolve("models.json"), "{\"models\": [{\"id\": \"sd15\", \"name\": \"Broken\"}]}");

        String html = mvc.perform(post("/admin/models/reload").with(csrf()).with(user(admin)))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "reload-error")).contains("was not reloaded", "models.json", "needs a \"workflow\" text");
        assertThat(catalog.find("sd15").map(Model::name)).contains("Stable Diffusion 1.5");
        assertThat(catalog.all()).hasSize(5);
        assertThat(Html.textOf(html, "model-sd15")).contains("Stable Diffusion 1.5");
        assertThat(audit()).containsExactly("MODELS_RELOAD_REFUSED");
        Files.writeString(COPY.resolve("models.json"), "not json at all");
        mvc.perform(post("/admin/models/reload").with(csrf()).with(user(admin))).andExpect(status().isUnprocessableContent());
        assertThat(generation.submit(alice.id(), GenerationRequest.of("sd15", "still works")).modelName())
                .isEqualTo("Stable Diffusion 1.5");
    }

    @Test
    void aValidFileReplacesTheCatalogAtOnceIsAuditedAndAnnouncedToTheOtherInstances() throws Exception {
        rewrite("\"name\": \"SDXL\"", "\"name\": \"SDXL Turbo\"");
        long rings = signals.rings(ModelCatalogReloads.CHANNEL);

        mvc.perform(post("/admin/models/reload").with(csrf()).with(user(admin))).andExpect(status().isSeeOther());

        assertThat(catalog.find("sdxl").map(Model::name)).contains("SDXL Turbo");
        assertThat(page("/generate")).contains("SDXL Turbo");
        assertThat(audit()).containsExactly("MODELS_RELOADED");
        assertThat(db.jdbc().sql("SELECT after_state FROM admin_audit").query(String.class).single())
                .contains("5 models (sd15, sdxl, modelfree, hardcoded, retired), 4 enabled");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (signals.rings(ModelCatalogReloads.CHANNEL) == rings && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(signals.rings(ModelCatalogReloads.CHANNEL)).as("the NOTIFY came back through LISTEN").isGreaterThan(rings);
    }

    @Test
    void anotherInstancesReloadMakesThisOneReloadItsValidFileOnly() throws Exception {
        rewrite("\"name\": \"SDXL\"", "\"name\": \"SDXL from elsewhere\"");
        signals.ring(ModelCatalogReloads.CHANNEL, "another-instance");
        assertThat(catalog.find("sdxl").map(Model::name)).contains("SDXL from elsewhere");

        Files.writeString(COPY.resolve("models.json"), "{}");
        signals.ring(ModelCatalogReloads.CHANNEL, "another-instance");
        signals.ring(ModelCatalogReloads.CHANNEL, null); // a fallback ring while LISTEN is down means nothing here
        assertThat(catalog.find("sdxl").map(Model::name)).contains("SDXL from elsewhere");
    }

    private static void rewrite(String from, String to) throws IOException {
        Path file = COPY.resolve("models.json");
        String text = Files.readString(file);
        assertThat(text).contains(from);
        Files.writeString(file, text.replace(from, to));
    }

    private List<String> audit() {
        return db.jdbc().sql("SELECT action FROM admin_audit ORDER BY id").query(String.class).list();
    }

    private JobView submit(String model, String prompt) {
        return generation.submit(alice.id(), GenerationRequest.of(model, prompt));
    }

    private String page(String url) throws Exception {
        return mvc.perform(get(url).with(user(admin))).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
    }

    private static void copyCatalog() {
        try (Stream<Path> files = Files.walk(ORIGINAL)) {
            for (Path source : files.toList()) {
                Path target = COPY.resolve(ORIGINAL.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
