package org.text2image.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import jakarta.servlet.http.Cookie;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.DeletionRequests;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.api.ApiKeys;
import org.text2image.server.api.ApiScope;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.credits.EntryKind;
import org.text2image.server.credits.LedgerInvariants;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.Viewer;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.generation.web.ImageUrls;
import org.text2image.server.help.SupportChat;
import org.text2image.server.storage.ImageStore;
import org.text2image.server.training.LoraDatasets;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.plans.BillingPeriod;
import org.text2image.server.plans.PlanGrants;
import org.text2image.server.plans.PlanTerms;
import org.text2image.server.plans.Plans;
import org.text2image.server.plans.UserPlans;
import org.text2image.server.support.MutableClock;
import org.text2image.server.web.Html;
import org.text2image.server.web.PageTest;

/** An admin deletes an account on request: personal data gone, books kept and balanced, the email free again. */
@PageTest
class AccountDeletionTest {

    static final String PASSWORD = "correct horse battery";

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired CreditStatements statements;
    @Autowired DeletionRequests deletionRequests;
    @Autowired LedgerInvariants invariants;
    @Autowired ImageUrls urls;
    @Autowired ImageStore store;
    @Autowired SupportChat support;
    @Autowired PlanTerms planTerms;
    @Autowired PlanGrants planGrants;
    @Autowired UserPlans userPlans;
    @Autowired Plans plans;
    @Autowired MutableClock clock;
    @Autowired ApiKeys apiKeys;
    @Autowired LoraDatasets datasets;
    @Autowired org.text2image.server.training.LoraModels loras;
    @Autowired TestDatabase db;

    SignedInUser admin;
    SignedInUser alice;

    @BeforeEach
    void setUp() {
        db.clean();
        admin = TestAccounts.admin(accounts, db, "admin@example.com");
        alice = accounts.register("alice@example.com", PASSWORD);
    }

    @AfterEach
    void booksStayBalanced() {
        assertThat(invariants.violations()).isEmpty();
    }

    @Test
    void deletingRemovesImagesPromptsEmailAndSessionsForfeitsTheBalanceAndKeepsTheBooks() throws Exception {
        JobView done = generation.submit(alice.id(), GenerationRequest.of("sd15", "my secret garden"));
        UUID imageId = TestImages.complete(queue, generation, done, alice);
        generation.submit(alice.id(), GenerationRequest.of("sd15", "a queued harbour"));
        deletionRequests.request(alice, "Please forget me");
        support.write(alice.id(), "Please delete my garden pictures", done.id().toString(), "", UUID.randomUUID().toString());
        Cookie session = signIn();
        JobView finished = generation.find(done.id(), new Viewer(admin.id(), true)).orElseThrow();
        String signedImage = asAdmin(() -> urls.image(finished, imageId));
        String signedThumb = asAdmin(() -> urls.thumbnail(finished, imageId));
        mvc.perform(get(signedImage)).andExpect(status().isOk()); // now in the image-row cache
        mvc.perform(get(signedThumb)).andExpect(status().isOk());
        List<String> keys = db.jdbc().sql("SELECT storage_key FROM job_image").query(String.class).list();
        assertThat(keys).isNotEmpty().allSatisfy(key -> assertThat(store.get(key)).isPresent());
        long available = statements.balance(alice.id()).availableCredits() + statements.balance(alice.id()).heldCredits();

        delete("ALICE@example.com ", "Deletion request of 1 May").andExpect(status().isSeeOther())
                .andExpect(redirectedUrl("/admin/users/" + alice.id()));

        mvc.perform(get(signedImage)).andExpect(status().isNotFound());
        mvc.perform(get(signedThumb)).andExpect(status().isNotFound());
        mvc.perform(get("/images/" + imageId).with(user(admin))).andExpect(status().isNotFound());
        assertThat(keys).allSatisfy(key -> assertThat(store.get(key)).isEmpty());
        mvc.perform(get("/generate").cookie(session)).andExpect(status().is3xxRedirection());
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(0, 0));
        assertThat(statements.entries(alice.id(), 1)).singleElement().satisfies(entry -> {
            assertThat(entry.kind()).isEqualTo(EntryKind.DEBIT);
            assertThat(entry.amountCredits()).isEqualTo(available);
            assertThat(entry.idempotencyKey()).isEqualTo("account-deleted:" + alice.id());
        });
        assertThat(db.jdbc().sql("SELECT DISTINCT prompt FROM generation_job").query(String.class).list())
                .containsExactly("[deleted]");
        assertThat(db.jdbc().sql("SELECT count(*) FROM app_user WHERE email ILIKE '%alice%'").query(Long.class).single()).isZero();
        assertThat(support.conversationOf(alice.id())).as("the support conversation is deleted").isEmpty();
        assertThat(db.jdbc().sql("SELECT count(*) FROM support_message").query(Long.class).single()).isZero();
        assertThat(db.jdbc().sql("SELECT count(*) FROM mail_outbox WHERE body ILIKE '%alice@%' OR recipient ILIKE 'alice@%'")
                .query(Long.class).single()).isZero();
        String users = mvc.perform(get("/admin/users").with(user(admin))).andReturn().getResponse().getContentAsString();
        assertThat(Html.textOf(users, "no-requests")).isEqualTo("No pending requests.");
        String audit = mvc.perform(get("/admin/audit").with(user(admin))).andReturn().getResponse().getContentAsString();
        assertThat(Html.textOf(audit, "audit")).contains("USER_DELETED", "deleted", "Deletion request of 1 May")
                .doesNotContain("alice@");

        assertThat(accounts.signUp("alice@example.com", PASSWORD)).as("the email registers again").isPresent();
    }

    @Test
    void aDeletedAccountsApiKeysStopWorkingAndItsWebhooksAreRemoved() throws Exception {
        String secret = apiKeys.create(alice.id(), "script", EnumSet.allOf(ApiScope.class)).secret();
        db.jdbc().sql("UPDATE api_key SET callback_url = 'https://hooks.example.com/t2i', webhook_secret = 'whsec_0123456789abcdef'")
                .update();
        mvc.perform(get("/api/v1/balance").header("Authorization", "Bearer " + secret)).andExpect(status().isOk());
        String queued = mvc.perform(post("/api/v1/jobs").header("Authorization", "Bearer " + secret)
                        .contentType("application/json").content("{\"model\":\"sd15\",\"prompt\":\"my secret garden\"}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getHeader("Location");
        db.jdbc().sql("""
                        INSERT INTO webhook_delivery (key_id, job_id, event_type, msg_id, payload, next_attempt_at, created_at)
                        SELECT id, CAST(? AS uuid), 'job.succeeded', 'msg_0123456789abcdefgh', '{"prompt":"my secret garden"}',
                               now(), now() FROM api_key""")
                .param(queued.substring(queued.lastIndexOf('/') + 1)).update();

        delete("alice@example.com", "Deletion request of 1 May").andExpect(status().isSeeOther());

        mvc.perform(get("/api/v1/balance").header("Authorization", "Bearer " + secret))
                .andExpect(status().isUnauthorized());
        assertThat(apiKeys.list(alice.id())).singleElement().satisfies(key -> {
            assertThat(key.revokedAt()).isNotNull();
            assertThat(key.callbackUrl()).isNull();
        });
        assertThat(db.jdbc().sql("SELECT count(*) FROM api_key WHERE webhook_secret IS NOT NULL OR last_used_ip IS NOT NULL")
                .query(Long.class).single()).isZero();
        assertThat(db.jdbc().sql("SELECT count(*) FROM webhook_delivery").query(Long.class).single())
                .as("no delivery log naming the prompt, and no webhook for the queued job's cancellation").isZero();
    }

    @Test
    void aDeletedAccountsLoraDatasetsTrainingsLorasAndTheirFilesAreRemoved() throws Exception {
        planTerms.assign(admin.id(), alice.id(), plans.find("pro").orElseThrow(), BillingPeriod.WEEKLY, 1, "team");
        java.util.UUID dataset = datasets.create(alice.id(), "My cat", "mycat");
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(512, 512, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", png);
        datasets.addImages(dataset, alice.id(), List.of(new LoraDatasets.Upload("cat.png", png.toByteArray())));
        String key = db.jdbc().sql("SELECT storage_key FROM lora_dataset_image WHERE dataset_id = ?").params(dataset)
                .query(String.class).single();
        assertThat(store.get(key)).isPresent();
        java.util.UUID training = java.util.UUID.randomUUID();
        db.jdbc().sql("""
                        INSERT INTO lora_training (id, user_id, dataset_id, name, trigger_word, base_model_id, checkpoint, steps,
                            lora_rank, learning_rate, resolution, status, attempt, max_attempts, submit_key, created_at, finished_at)
                        VALUES (?, ?, ?, 'My cat', 'mycat', 'sd15', 'v1-5-pruned-emaonly.safetensors', 600, 16, 0.0005, 512,
                            'SUCCEEDED', 1, 2, 'key-1', now(), now())""").params(training, alice.id(), dataset).update();
        String loraKey = "lora-models/" + alice.id() + "/trained.safetensors";
        store.put(loraKey, new byte[] {1, 2, 3});
        loras.insert(java.util.UUID.randomUUID(), alice.id(), training, "My cat", "mycat", "sd15",
                "v1-5-pruned-emaonly.safetensors", loraKey, "c".repeat(64), 3, clock.instant());

        delete("alice@example.com", "Deletion request").andExpect(status().isSeeOther());

        assertThat(db.jdbc().sql("SELECT count(*) FROM lora_training WHERE user_id = ?").params(alice.id())
                .query(Integer.class).single()).as("trainings").isZero();
        assertThat(loras.loras(alice.id())).as("LoRAs").isEmpty();
        assertThat(db.jdbc().sql("SELECT name || '/' || trigger_word FROM lora_model WHERE user_id = ?").params(alice.id())
                .query(String.class).single()).as("the LoRA's name is scrubbed").isEqualTo("Deleted/");
        assertThat(loras.removedSince()).as("workers are told to drop their copies").contains("c".repeat(64));
        assertThat(store.get(loraKey)).as("the LoRA file").isEmpty();
        assertThat(db.jdbc().sql("SELECT count(*) FROM lora_dataset WHERE user_id = ?").params(alice.id())
                .query(Integer.class).single()).isZero();
        assertThat(db.jdbc().sql("SELECT count(*) FROM lora_dataset_image WHERE dataset_id = ?").params(dataset)
                .query(Integer.class).single()).isZero();
        assertThat(store.get(key)).isEmpty();
    }

    @Test
    void aDeletedAccountsPlanEndsAndItsNextWeeksAreNeverGranted() throws Exception {
        planTerms.assign(admin.id(), alice.id(), plans.find("pro").orElseThrow(), BillingPeriod.WEEKLY, 4, "team");

        delete("alice@example.com", "Deletion request").andExpect(status().isSeeOther());

        assertThat(userPlans.subscription(alice.id())).isEmpty();
        clock.advance(java.time.Duration.ofDays(8));
        try {
            assertThat(planGrants.grantAllDue()).isZero();
        } finally {
            clock.reset();
        }
        assertThat(statements.balance(alice.id())).isEqualTo(new Balance(0, 0));
    }

    @Test
    void aWrongConfirmationOrNoReasonIsRefusedBesideTheFieldAndDeletesNothing() throws Exception {
        Balance before = statements.balance(alice.id());

        String html = delete("bob@example.com", "Request").andExpect(status().isUnprocessableContent())
                .andReturn().getResponse().getContentAsString();
        assertThat(Html.textOf(html, "delete-confirm-error")).contains("Type the user's email exactly");
        html = delete("alice@example.com", " ").andExpect(status().isUnprocessableContent())
                .andReturn().getResponse().getContentAsString();
        assertThat(Html.textOf(html, "delete-reason-error")).contains("A reason is required");
        mvc.perform(post("/admin/users/" + admin.id() + "/delete").with(csrf()).with(user(admin))
                .param("confirm", "admin@example.com").param("reason", "x")).andExpect(status().isUnprocessableContent());

        assertThat(statements.balance(alice.id())).isEqualTo(before);
        assertThat(db.jdbc().sql("SELECT count(*) FROM admin_audit").query(Long.class).single()).isZero();
        signIn();
    }

    @Test
    void aDeletedAccountCannotBeDeletedAgainNorEnabled() throws Exception {
        delete("alice@example.com", "Request").andExpect(status().isSeeOther());
        String email = accounts.find(alice.id()).orElseThrow().email();

        delete(email, "Again").andExpect(status().isUnprocessableContent());
        mvc.perform(post("/admin/users/" + alice.id() + "/enable").with(csrf()).with(user(admin)).param("reason", "undo"))
                .andExpect(status().isUnprocessableContent());
        assertThat(db.jdbc().sql("SELECT count(*) FROM admin_audit").query(Long.class).single()).isOne();
    }

    @Test
    void theDeleteRouteDoesNotExistForANonAdmin() throws Exception {
        mvc.perform(post("/admin/users/" + alice.id() + "/delete").with(csrf()).with(user(alice))
                .param("confirm", "alice@example.com").param("reason", "x")).andExpect(status().isNotFound());
        signIn();
    }

    private ResultActions delete(String confirm, String reason) throws Exception {
        return mvc.perform(post("/admin/users/" + alice.id() + "/delete").with(csrf()).with(user(admin))
                .param("confirm", confirm).param("reason", reason));
    }

    private <T> T asAdmin(java.util.function.Supplier<T> action) {
        SecurityContextHolder.getContext().setAuthentication(
                UsernamePasswordAuthenticationToken.authenticated(admin, null, admin.getAuthorities()));
        try {
            return action.get();
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    private Cookie signIn() throws Exception {
        Cookie session = mvc.perform(post("/login").with(csrf()).param("username", "alice@example.com")
                .param("password", PASSWORD)).andExpect(redirectedUrl("/generate")).andReturn().getResponse()
                .getCookie("SESSION");
        mvc.perform(get("/generate").cookie(session)).andExpect(status().isOk());
        return session;
    }
}
