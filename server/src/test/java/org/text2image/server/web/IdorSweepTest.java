package org.text2image.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.api.ApiKeys;
import org.text2image.server.api.ApiScope;
import org.text2image.server.api.webhooks.Webhooks;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.TestAccounts;
import org.text2image.server.support.TestDatabase;

/**
 * Every route that takes an id, tried by another signed-in user and by an anonymous visitor: no
 * data and no change. Another user gets the 404 page (the same as for an id that does not exist),
 * an anonymous visitor is sent to sign in (the worker API answers 401), and Alice's job, payment
 * the admin's worker token, and Alice's dataset, training and LoRA are as they were. A new route that takes an id belongs in
 * {@link #routes()}.
 */
@PageTest
class IdorSweepTest {

    private static final String SECRET_PROMPT = "alice's secret lighthouse";

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired TestDatabase db;
    @Autowired ApiKeys keys;
    @Autowired Webhooks webhooks;
    @Autowired org.text2image.server.storage.ImageStore store;

    SignedInUser alice;
    SignedInUser bob;
    JobView finished;
    JobView queued;
    UUID imageId;
    String reference;
    long paymentId;
    long tokenId;
    long keyId;
    long deliveryId;
    UUID dataset;
    UUID datasetImage;
    UUID training;
    UUID lora;

    @BeforeEach
    void setUp() throws Exception {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse battery");
        bob = accounts.register("bob@example.com", "correct horse battery");
        SignedInUser admin = TestAccounts.admin(accounts, db, "admin@example.com");
        finished = generation.submit(alice.id(), GenerationRequest.of("sd15", SECRET_PROMPT));
        imageId = TestImages.complete(queue, generation, finished, alice);
        queued = generation.submit(alice.id(), GenerationRequest.of("sd15", SECRET_PROMPT + " at night"));
        String location = mvc.perform(post("/payments/upi").with(csrf()).with(user(alice)).param("packId", "creator")
                .param("amountMinor", "49900").param("currency", "INR").param("requestKey", UUID.randomUUID().toString()))
                .andReturn().getResponse().getRedirectedUrl();
        reference = location.substring("/payments/".length());
        mvc.perform(post("/payments/" + reference + "/utr").with(csrf()).with(user(alice)).param("utr", "123456789012"));
        paymentId = db.jdbc().sql("SELECT id FROM payment WHERE reference = ?").params(reference).query(Long.class).single();
        mvc.perform(post("/admin/workers/tokens").with(csrf()).with(user(admin)).param("name", "gpu-box"));
        tokenId = db.jdbc().sql("SELECT id FROM worker_token").query(Long.class).single();
        keyId = keys.create(alice.id(), "script", EnumSet.allOf(ApiScope.class)).key().id();
        webhooks.set(alice.id(), keyId, "http://127.0.0.1:9/hook");
        deliveryId = db.jdbc().sql("""
                        INSERT INTO webhook_delivery (key_id, job_id, event_type, msg_id, payload, status, next_attempt_at,
                                                      created_at, last_error)
                        VALUES (?, ?, 'job.succeeded', 'msg_AAAAAAAAAAAAAAAAAAAAAA', '{}', 'FAILED', now(), now(), 'HTTP 500')
                        RETURNING id""")
                .params(keyId, finished.id()).query(Long.class).single();
        myModels();
    }

    /** Alice's dataset (one captioned image), a queued training of it, and a trained LoRA, each with its file. */
    private void myModels() {
        dataset = UUID.randomUUID();
        datasetImage = UUID.randomUUID();
        training = UUID.randomUUID();
        lora = UUID.randomUUID();
        store.put("lora/" + dataset + "/" + datasetImage, new byte[] {1});
        store.put("lora-models/" + alice.id() + "/" + lora + ".safetensors", new byte[] {2});
        db.jdbc().sql("INSERT INTO lora_dataset (id, user_id, name, trigger_word, created_at) VALUES (?, ?, 'Cat', 'mycat', now())")
                .params(dataset, alice.id()).update();
        db.jdbc().sql("""
                        INSERT INTO lora_dataset_image (id, dataset_id, storage_key, content_type, size_bytes, width, height,
                                                        caption, created_at)
                        VALUES (?, ?, ?, 'image/png', 1, 512, 512, 'alice''s caption', now())""")
                .params(datasetImage, dataset, "lora/" + dataset + "/" + datasetImage).update();
        db.jdbc().sql("""
                        INSERT INTO lora_training (id, user_id, dataset_id, name, trigger_word, base_model_id, checkpoint, steps,
                            lora_rank, learning_rate, resolution, status, max_attempts, submit_key, created_at)
                        VALUES (?, ?, ?, 'Cat', 'mycat', 'sd15', 'v1-5-pruned-emaonly.safetensors', 600, 16, 0.0005, 512,
                            'QUEUED', 2, 'key', now())""").params(training, alice.id(), dataset).update();
        db.jdbc().sql("""
                        INSERT INTO lora_model (id, user_id, name, trigger_word, base_model_id, checkpoint, storage_key, sha256,
                                                size_bytes, created_at)
                        VALUES (?, ?, 'Cat', 'mycat', 'sd15', 'v1-5-pruned-emaonly.safetensors', ?, ?, 1, now())""")
                .params(lora, alice.id(), "lora-models/" + alice.id() + "/" + lora + ".safetensors", "d".repeat(64)).update();
    }

    /** Each route with Alice's ids (or the admin's), as a request without a user. */
    private List<MockHttpServletRequestBuilder> routes() {
        String job = "/jobs/" + queued.id();
        String webhook = "/developers/keys/" + keyId + "/webhook";
        return List.of(
                get("/jobs/" + finished.id()), get(job), get(job + "/status"), get(job + "/events"), get(job + "/preview"),
                post(job + "/cancel").with(csrf()),
                get("/history/jobs/" + queued.id()),
                get("/generate").param("from", finished.id().toString()),
                get("/images/" + imageId), get("/i/" + imageId), get("/i/" + imageId + "/thumb"),
                get("/payments/" + reference), get("/payments/" + reference + "/status"),
                get("/payments/" + reference + "/qr.png"),
                post("/payments/" + reference + "/utr").with(csrf()).param("utr", "210987654321"),
                post("/admin/payments/" + paymentId + "/approve").with(csrf()),
                post("/admin/payments/" + paymentId + "/reject").with(csrf()).param("reason", "no"),
                post("/admin/workers/tokens/" + tokenId + "/revoke").with(csrf()),
                post("/developers/keys/" + keyId + "/revoke").with(csrf()),
                get("/admin/credits").param("email", "alice@example.com"),
                get(webhook), post(webhook).with(csrf()).param("url", "http://127.0.0.1:9/bob"),
                post(webhook + "/secret").with(csrf()), post(webhook + "/remove").with(csrf()),
                post(webhook + "/deliveries/" + deliveryId + "/resend").with(csrf()),
                get("/my-models/datasets/" + dataset), get("/my-models/datasets/" + dataset + "/images/" + datasetImage),
                post("/my-models/datasets/" + dataset + "/images/" + datasetImage + "/caption").with(csrf())
                        .param("caption", "bob's caption"),
                post("/my-models/datasets/" + dataset + "/images/" + datasetImage + "/remove").with(csrf()),
                post("/my-models/datasets/" + dataset + "/delete").with(csrf()),
                post("/my-models/datasets/" + dataset + "/train").with(csrf()).param("submitKey", "bob"),
                get("/my-models/trainings/" + training), get("/my-models/trainings/" + training + "/status"),
                post("/my-models/trainings/" + training + "/cancel").with(csrf()),
                get("/my-models/loras/" + lora + "/download"), post("/my-models/loras/" + lora + "/delete").with(csrf()));
    }

    @Test
    void anotherUserGetsTheNotFoundPageFromEveryRouteWithAnIdAndChangesNothing() throws Exception {
        for (MockHttpServletRequestBuilder route : routes()) {
            MockHttpServletResponse response = mvc.perform(route.with(user(bob))).andReturn().getResponse();
            String what = describe(route);
            assertThat(response.getStatus()).as(what).isEqualTo(404);
            assertThat(response.getContentAsString()).as(what).doesNotContain(SECRET_PROMPT).doesNotContain(reference);
        }
        assertNothingChanged();
    }

    @Test
    void anAnonymousVisitorIsSentToSignInFromEveryRouteWithAnIdAndChangesNothing() throws Exception {
        for (MockHttpServletRequestBuilder route : routes()) {
            MockHttpServletResponse response = mvc.perform(route).andReturn().getResponse();
            String what = describe(route);
            if (what.contains(" /i/")) { // the signed image URLs: no signature, no image
                assertThat(response.getStatus()).as(what).isEqualTo(404);
            } else {
                assertThat(response.getStatus()).as(what).isEqualTo(302);
                assertThat(response.getRedirectedUrl()).as(what).endsWith("/login");
            }
            assertThat(response.getContentAsString()).as(what).doesNotContain(SECRET_PROMPT).doesNotContain(reference);
        }
        assertNothingChanged();
    }

    @Test
    void theWorkerApiAnswersNothingAboutAJobWithoutAToken() throws Exception {
        for (String action : List.of("heartbeat", "fail", "complete", "preview")) {
            MockHttpServletResponse response = mvc.perform(post("/api/worker/v1/jobs/" + queued.id() + "/" + action)
                    .contentType("application/json").content("{}")).andReturn().getResponse();
            assertThat(response.getStatus()).as(action).isEqualTo(401);
            assertThat(response.getContentAsString()).as(action).doesNotContain(SECRET_PROMPT);
        }
        assertNothingChanged();
    }

    private void assertNothingChanged() {
        assertThat(db.jdbc().sql("SELECT status FROM generation_job WHERE id = ?").params(queued.id())
                .query(String.class).single()).isEqualTo("QUEUED");
        assertThat(db.jdbc().sql("SELECT state || '/' || utr FROM payment WHERE id = ?").params(paymentId)
                .query(String.class).single()).isEqualTo("PENDING_REVIEW/123456789012");
        assertThat(db.jdbc().sql("SELECT revoked_at IS NULL FROM worker_token WHERE id = ?").params(tokenId)
                .query(Boolean.class).single()).isTrue();
        assertThat(keys.find(alice.id(), keyId).orElseThrow().callbackUrl()).isEqualTo("http://127.0.0.1:9/hook");
        assertThat(db.jdbc().sql("SELECT count(*) FROM webhook_delivery").query(Long.class).single()).isEqualTo(1);
        assertThat(keys.find(alice.id(), keyId).orElseThrow().active()).isTrue();
        assertThat(db.jdbc().sql("SELECT caption FROM lora_dataset_image WHERE id = ?").params(datasetImage)
                .query(String.class).single()).isEqualTo("alice's caption");
        assertThat(db.jdbc().sql("SELECT status || '/' || cancel_requested FROM lora_training").query(String.class).single())
                .isEqualTo("QUEUED/false");
        assertThat(db.jdbc().sql("SELECT deleted_at IS NULL FROM lora_model WHERE id = ?").params(lora)
                .query(Boolean.class).single()).isTrue();
        assertThat(store.get("lora-models/" + alice.id() + "/" + lora + ".safetensors")).isPresent();
    }

    private static String describe(MockHttpServletRequestBuilder route) {
        var request = route.buildRequest(new org.springframework.mock.web.MockServletContext());
        return request.getMethod() + " " + request.getRequestURI();
    }
}
