package org.text2image.server.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockMultipartHttpServletRequestBuilder;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.PlanTerms;
import org.text2image.server.plans.Plans;
import org.text2image.server.plans.SubscriptionSource;
import org.text2image.server.storage.ImageStore;
import org.text2image.server.storage.LocalFolderImageStore;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/**
 * The My models pages (docs/TRAINING.md, "Datasets"): a user whose plan has LoRA trainings creates a
 * dataset and fills it with 5–30 checked, captioned images kept private; bad input is refused beside
 * its field and stores neither a row nor a file; another user gets the 404 page at every URL of the
 * dataset; a plan without trainings gets the plan that has them. Test plans: Free and Starter have
 * no LoRA trainings, Pro has.
 */
@PageTest
class MyModelsPageTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired PlanTerms terms;
    @Autowired Plans plans;
    @Autowired ImageStore store;
    @Autowired TestDatabase db;

    SignedInUser alice;
    SignedInUser bob;

    @BeforeEach
    void setUp() throws IOException {
        db.clean();
        deleteFolder(loraFolder());
        alice = accounts.register("alice@example.com", "correct horse");
        bob = accounts.register("bob@example.com", "correct horse");
        terms.apply(alice.id(), plans.find("pro").orElseThrow(), BillingPeriod.WEEKLY, SubscriptionSource.UPI, 1);
    }

    @Test
    void aUserWithTrainingsCreatesADatasetUploadsTwelveImagesCaptionsRemovesAndDeletes() throws Exception {
        UUID dataset = create(alice, "My <i>cat</i>", "mycat");

        upload(alice, dataset, pngs(10)).andExpect(status().is3xxRedirection());
        upload(alice, dataset, pngs(2)).andExpect(status().is3xxRedirection());

        String page = page(alice, dataset);
        assertThat(Html.textOf(page, "image-count")).isEqualTo("5–30 images needed to train; 12 so far.");
        assertThat(Html.textOf(page, "training-status")).isEqualTo("This dataset has enough images to train.");
        assertThat(page).contains("My &lt;i&gt;cat&lt;/i&gt;").doesNotContain("<i>cat</i>");
        assertThat(rows(dataset)).isEqualTo(12);
        assertThat(files()).isEqualTo(12);
        List<UUID> images = imageIds(dataset);
        assertThat(page).contains("/my-models/datasets/" + dataset + "/images/" + images.get(0));
        mvc.perform(get("/my-models/datasets/" + dataset + "/images/" + images.get(0)).with(user(alice)))
                .andExpect(status().isOk()).andExpect(content().contentType("image/png"))
                .andExpect(content().bytes(png(512, 512, 0)));
        assertThat(Html.text(list(alice))).contains("My <i>cat</i>").contains("12 of 30 images");

        mvc.perform(post("/my-models/datasets/" + dataset + "/images/" + images.get(0) + "/caption").with(user(alice)).with(csrf())
                .param("caption", "mycat sitting on a <b>red</b> chair")).andExpect(status().is3xxRedirection());
        assertThat(db.jdbc().sql("SELECT caption FROM lora_dataset_image WHERE id = ?").params(images.get(0))
                .query(String.class).single()).isEqualTo("mycat sitting on a <b>red</b> chair");
        assertThat(page(alice, dataset)).contains("mycat sitting on a &lt;b&gt;red&lt;/b&gt; chair");

        mvc.perform(post("/my-models/datasets/" + dataset + "/images/" + images.get(1) + "/remove").with(user(alice)).with(csrf()))
                .andExpect(status().is3xxRedirection());
        // a repeated removal is no error
        mvc.perform(post("/my-models/datasets/" + dataset + "/images/" + images.get(1) + "/remove").with(user(alice)).with(csrf()))
                .andExpect(status().is3xxRedirection());
        assertThat(rows(dataset)).isEqualTo(11);
        assertThat(files()).isEqualTo(11);

        mvc.perform(post("/my-models/datasets/" + dataset + "/delete").with(user(alice)).with(csrf()))
                .andExpect(status().is3xxRedirection());
        assertThat(db.jdbc().sql("SELECT count(*) FROM lora_dataset").query(Integer.class).single()).isZero();
        assertThat(rows(dataset)).isZero();
        assertThat(files()).isZero();
    }

    @Test
    void withFourImagesTheCountSaysMoreAreNeededAndNoTrainingIsOffered() throws Exception {
        UUID dataset = create(alice, "Four", "four");
        upload(alice, dataset, pngs(4)).andExpect(status().is3xxRedirection());

        String page = page(alice, dataset);

        assertThat(Html.textOf(page, "image-count")).isEqualTo("5–30 images needed to train; 4 so far.");
        assertThat(Html.textOf(page, "training-status")).startsWith("Add more images before training.");
        assertThat(Html.textOf(page, "train-blocked")).isEqualTo("Add at least 5 images to train.");
        assertThat(Html.tagOf(page, "train-button")).contains("disabled");
    }

    @Test
    void theThirtyFirstImageIsRefusedAndNothingIsStored() throws Exception {
        UUID dataset = create(alice, "Full", "full");
        for (int i = 0; i < 3; i++) {
            upload(alice, dataset, pngs(10)).andExpect(status().is3xxRedirection());
        }

        String html = refusedUpload(alice, dataset, pngs(1));

        assertThat(Html.textOf(html, "images-error"))
                .isEqualTo("A dataset holds at most 30 images; it has 30, so 0 more can be added.");
        assertThat(rows(dataset)).isEqualTo(30);
        assertThat(files()).isEqualTo(30);
    }

    @Test
    void badFilesAreRefusedBesideTheFieldAndNothingIsStored() throws Exception {
        UUID dataset = create(alice, "Bad", "bad");

        assertThat(Html.textOf(refusedUpload(alice, dataset, List.of(file("notes.png",
                "just some text, not an image".getBytes(StandardCharsets.UTF_8)))), "images-error"))
                .isEqualTo("notes.png is not a PNG, JPEG or WebP image that can be read.");
        assertThat(Html.textOf(refusedUpload(alice, dataset, List.of(file("wide.png", png(9000, 512, 1)))), "images-error"))
                .isEqualTo("wide.png is 9000×512 px: the long side may be at most 8192 px.");
        assertThat(Html.textOf(refusedUpload(alice, dataset, List.of(file("small.png", png(300, 300, 2)))), "images-error"))
                .isEqualTo("small.png is 300×300 px: the short side must be at least 512 px.");
        assertThat(Html.textOf(refusedUpload(alice, dataset, List.of(file("huge.png", new byte[12 * 1024 * 1024]))), "images-error"))
                .as("refused by its size: twelve megabytes of zeros would not decode anyway")
                .isEqualTo("huge.png is larger than 10 MB.");
        List<MockMultipartFile> goodThenBad = new java.util.ArrayList<>(pngs(3));
        goodThenBad.add(file("small.png", png(300, 300, 3)));
        assertThat(Html.textOf(refusedUpload(alice, dataset, goodThenBad), "images-error"))
                .as("all or nothing").isEqualTo("small.png is 300×300 px: the short side must be at least 512 px.");
        assertThat(Html.textOf(refusedUpload(alice, dataset, pngs(11)), "images-error"))
                .isEqualTo("Upload at most 10 images at a time; you chose 11.");

        assertThat(rows(dataset)).isZero();
        assertThat(files()).isZero();
    }

    @Test
    void aCaptionOverFiveHundredCharactersIsRefusedAndTheOldOneKept() throws Exception {
        UUID dataset = create(alice, "Captions", "captions");
        upload(alice, dataset, pngs(1)).andExpect(status().is3xxRedirection());
        UUID image = imageIds(dataset).get(0);

        String html = mvc.perform(post("/my-models/datasets/" + dataset + "/images/" + image + "/caption")
                        .with(user(alice)).with(csrf()).param("caption", "a".repeat(501)))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "caption-" + image + "-error")).isEqualTo("A caption may be at most 500 characters.");
        assertThat(db.jdbc().sql("SELECT caption FROM lora_dataset_image WHERE id = ?").params(image)
                .query(String.class).single()).isEmpty();
        mvc.perform(post("/my-models/datasets/" + dataset + "/images/" + image + "/caption")
                .with(user(alice)).with(csrf()).param("caption", "a".repeat(500))).andExpect(status().is3xxRedirection());
    }

    @Test
    void htmlInTheTriggerWordIsRefusedAndNoDatasetIsStored() throws Exception {
        String html = mvc.perform(post("/my-models/datasets").with(user(alice)).with(csrf())
                        .param("name", "Mine").param("triggerWord", "<b>x</b>"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();

        assertThat(Html.textOf(html, "triggerWord-error"))
                .isEqualTo("The trigger word must be 1 to 40 letters, digits, _ or - (no spaces or other characters).");
        assertThat(html).doesNotContain("<b>x</b>").contains("&lt;b&gt;x&lt;/b&gt;");
        String tooLong = mvc.perform(post("/my-models/datasets").with(user(alice)).with(csrf())
                        .param("name", "n".repeat(61)).param("triggerWord", "ok"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        assertThat(Html.textOf(tooLong, "name-error")).isEqualTo("The name must be 1 to 60 characters.");
        assertThat(db.jdbc().sql("SELECT count(*) FROM lora_dataset").query(Integer.class).single()).isZero();
    }

    @Test
    void anotherUsersDatasetIsNotFoundAtEveryUrl() throws Exception {
        UUID dataset = create(alice, "Private", "private");
        upload(alice, dataset, pngs(1)).andExpect(status().is3xxRedirection());
        UUID image = imageIds(dataset).get(0);
        String base = "/my-models/datasets/" + dataset;

        assertThat(list(bob)).doesNotContain("Private").doesNotContain(dataset.toString());
        mvc.perform(get(base).with(user(bob))).andExpect(status().isNotFound());
        mvc.perform(get(base + "/images/" + image).with(user(bob))).andExpect(status().isNotFound());
        upload(bob, dataset, pngs(1)).andExpect(status().isNotFound());
        mvc.perform(post(base + "/images/" + image + "/caption").with(user(bob)).with(csrf()).param("caption", "mine"))
                .andExpect(status().isNotFound());
        mvc.perform(post(base + "/images/" + image + "/remove").with(user(bob)).with(csrf())).andExpect(status().isNotFound());
        mvc.perform(post(base + "/delete").with(user(bob)).with(csrf())).andExpect(status().isNotFound());
        mvc.perform(get("/my-models/datasets/not-a-uuid").with(user(bob))).andExpect(status().isNotFound());

        assertThat(rows(dataset)).isEqualTo(1);
        assertThat(files()).isEqualTo(1);
        assertThat(db.jdbc().sql("SELECT caption FROM lora_dataset_image WHERE id = ?").params(image)
                .query(String.class).single()).isEmpty();
    }

    @Test
    void anAdminMayLookAtADatasetButNotChangeIt() throws Exception {
        UUID dataset = create(alice, "Looked at", "looked");
        upload(alice, dataset, pngs(1)).andExpect(status().is3xxRedirection());
        UUID image = imageIds(dataset).get(0);
        SignedInUser admin = TestAccounts.admin(accounts, db, "admin@example.com");

        String page = page(admin, dataset);
        mvc.perform(get("/my-models/datasets/" + dataset + "/images/" + image).with(user(admin)))
                .andExpect(status().isOk()).andExpect(content().contentType("image/png"));

        assertThat(page).doesNotContain("upload-form").doesNotContain("delete-dataset-form");
        mvc.perform(post("/my-models/datasets/" + dataset + "/delete").with(user(admin)).with(csrf()))
                .andExpect(status().isNotFound());
        assertThat(rows(dataset)).isEqualTo(1);
        assertThat(files()).isEqualTo(1);
    }

    @Test
    void aFreePlanUserIsShownThePlanThatAllowsDatasetsAndCannotCreateOne() throws Exception {
        String page = list(bob);

        assertThat(Html.textOf(page, "plan-needed"))
                .contains("Your plan, Free, has no LoRA trainings.").contains("The Pro plan and above include them.");
        assertThat(page).doesNotContain("new-dataset-form").contains("href=\"/pricing\"");
        String html = mvc.perform(post("/my-models/datasets").with(user(bob)).with(csrf())
                        .param("name", "Forged").param("triggerWord", "forged"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        assertThat(Html.text(html)).contains("your plan, Free, has none.");
        assertThat(db.jdbc().sql("SELECT count(*) FROM lora_dataset").query(Integer.class).single()).isZero();
    }

    @Test
    void accountAndGenerateLinkMyModelsForUsersWhoTrainOrHaveADatasetOnly() throws Exception {
        for (String page : List.of("/account", "/generate")) {
            String free = mvc.perform(get(page).with(user(bob))).andExpect(status().isOk()).andReturn().getResponse()
                    .getContentAsString();
            assertThat(free).as("a Free user on " + page + ": no link to a page that only sells a plan")
                    .doesNotContain("href=\"/my-models\"");
            String pro = mvc.perform(get(page).with(user(alice))).andExpect(status().isOk()).andReturn().getResponse()
                    .getContentAsString();
            assertThat(pro).as(page).contains("href=\"/my-models\"");
        }

        // A dataset made while on a plan that trains keeps the link after the plan ends.
        db.jdbc().sql("INSERT INTO lora_dataset (id, user_id, name, trigger_word, created_at) VALUES (?, ?, 'Old', 'old', now())")
                .params(UUID.randomUUID(), bob.id()).update();
        String withDataset = mvc.perform(get("/account").with(user(bob))).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString();
        assertThat(Html.attributeOf(withDataset, "account-my-models", "href")).isEqualTo("/my-models");
    }

    private UUID create(SignedInUser user, String name, String triggerWord) throws Exception {
        String location = mvc.perform(post("/my-models/datasets").with(user(user)).with(csrf())
                        .param("name", name).param("triggerWord", triggerWord))
                .andExpect(status().is3xxRedirection()).andReturn().getResponse().getRedirectedUrl();
        assertThat(location).startsWith("/my-models/datasets/");
        return UUID.fromString(location.substring("/my-models/datasets/".length()));
    }

    private org.springframework.test.web.servlet.ResultActions upload(SignedInUser user, UUID dataset,
                                                                      List<MockMultipartFile> files) throws Exception {
        MockMultipartHttpServletRequestBuilder request = multipart("/my-models/datasets/" + dataset + "/images");
        files.forEach(request::file);
        // A browser sends the body's length (web/MultipartSizeLimit refuses a multipart body without one);
        // MockMvc keeps the parts apart, so the content stands in for the body with the parts' length.
        long length = files.stream().mapToLong(MockMultipartFile::getSize).sum();
        return mvc.perform(request.with(user(user)).with(csrf()).with(r -> {
            r.setContent(new byte[Math.toIntExact(length)]);
            return r;
        }));
    }

    private String refusedUpload(SignedInUser user, UUID dataset, List<MockMultipartFile> files) throws Exception {
        return upload(user, dataset, files).andExpect(status().isUnprocessableContent())
                .andReturn().getResponse().getContentAsString();
    }

    private String page(SignedInUser user, UUID dataset) throws Exception {
        return mvc.perform(get("/my-models/datasets/" + dataset).with(user(user))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
    }

    private String list(SignedInUser user) throws Exception {
        return mvc.perform(get("/my-models").with(user(user))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
    }

    private int rows(UUID dataset) {
        return db.jdbc().sql("SELECT count(*) FROM lora_dataset_image WHERE dataset_id = ?").params(dataset)
                .query(Integer.class).single();
    }

    private List<UUID> imageIds(UUID dataset) {
        return db.jdbc().sql("SELECT id FROM lora_dataset_image WHERE dataset_id = ? ORDER BY created_at, id")
                .params(dataset).query(UUID.class).list();
    }

    /** Files under the store's {@code lora/} folder. */
    private long files() throws IOException {
        Path folder = loraFolder();
        if (!Files.exists(folder)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).count();
        }
    }

    private Path loraFolder() {
        return ((LocalFolderImageStore) store).root().resolve("lora");
    }

    private static void deleteFolder(Path folder) throws IOException {
        if (Files.exists(folder)) {
            try (Stream<Path> walk = Files.walk(folder)) {
                for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private static List<MockMultipartFile> pngs(int count) throws IOException {
        List<MockMultipartFile> files = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            files.add(file("photo-" + i + ".png", png(512, 512, i)));
        }
        return files;
    }

    private static MockMultipartFile file(String name, byte[] bytes) {
        return new MockMultipartFile("images", name, "image/png", bytes);
    }

    /** A PNG of one grey level: small in bytes whatever its size. */
    private static byte[] png(int width, int height, int shade) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(shade % 256, shade % 256, shade % 256));
        g.fillRect(0, 0, width, height);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
