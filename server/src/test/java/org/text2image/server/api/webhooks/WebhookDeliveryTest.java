package org.text2image.server.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.jayway.jsonpath.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.api.ApiKeys;
import org.text2image.server.api.ApiScope;
import org.text2image.server.generation.GenerationRequest;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.JobView;
import org.text2image.server.generation.LeasedJob;
import org.text2image.server.generation.TestImages;
import org.text2image.server.generation.Viewer;
import org.text2image.server.generation.WorkerIdentity;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.PageTest;

/**
 * Webhooks of API jobs (docs/API.md, "Webhooks"): a job's end queues one signed delivery in its
 * transaction; the delivery task posts it with the Standard Webhooks headers, retries with backoff
 * and gives up after 24 hours; resends; and nothing for web-form jobs or revoked keys. The task is
 * run by the test (the test context's interval is an hour), with a frozen {@link MutableClock}.
 */
@PageTest
class WebhookDeliveryTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired ApiKeys keys;
    @Autowired Webhooks webhooks;
    @Autowired WebhookDispatcher dispatcher;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;

    WebhookReceiver receiver;
    SignedInUser alice;
    long keyId;
    String apiKey;
    String secret;

    @BeforeEach
    void setUp() throws Exception {
        db.clean();
        receiver = new WebhookReceiver();
        alice = accounts.register("alice@example.com", "correct horse");
        var created = keys.create(alice.id(), "script", EnumSet.allOf(ApiScope.class));
        keyId = created.key().id();
        apiKey = created.secret();
        secret = webhooks.set(alice.id(), keyId, receiver.url()).orElseThrow();
        receiver.verifyWith(secret);
    }

    @AfterEach
    void tearDown() {
        receiver.close();
        clock.reset();
    }

    @Test
    void aSucceededApiJobIsPostedOnceWithAValidSignature() throws Exception {
        UUID jobId = submitThroughTheApi();
        UUID imageId = TestImages.complete(queue, generation, job(jobId), alice);

        assertThat(dispatcher.deliverDue()).isEqualTo(1);
        assertThat(dispatcher.deliverDue()).isZero();

        List<WebhookReceiver.Received> received = receiver.received();
        assertThat(received).hasSize(1);
        WebhookReceiver.Received hook = received.getFirst();
        assertThat(hook.method()).isEqualTo("POST");
        assertThat(hook.contentType()).isEqualTo("application/json");
        assertThat(hook.id()).matches("msg_[A-Za-z0-9_-]{22}");
        assertThat(Long.parseLong(hook.timestamp())).isCloseTo(clock.instant().getEpochSecond(),
                org.assertj.core.data.Offset.offset(5L));
        assertThat(hook.signature()).startsWith("v1,");
        assertThat(hook.signatureValid()).isTrue();
        assertThat((String) JsonPath.read(hook.body(), "$.type")).isEqualTo("job.succeeded");
        assertThat(Instant.parse(JsonPath.read(hook.body(), "$.timestamp"))).isNotNull();
        assertThat((String) JsonPath.read(hook.body(), "$.data.id")).isEqualTo(jobId.toString());
        assertThat((String) JsonPath.read(hook.body(), "$.data.status")).isEqualTo("succeeded");
        assertThat((String) JsonPath.read(hook.body(), "$.data.model")).isEqualTo("sd15");
        assertThat((Integer) JsonPath.read(hook.body(), "$.data.cost.charged_credits")).isEqualTo(1);
        assertThat((String) JsonPath.read(hook.body(), "$.data.images[0].id")).isEqualTo(imageId.toString());
        assertThat((Object) JsonPath.read(hook.body(), "$.data.error")).isNull();

        WebhookDelivery delivery = webhooks.deliveries(alice.id(), keyId).getFirst();
        assertThat(delivery.status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(delivery.attempts()).isEqualTo(1);
        assertThat(delivery.lastStatusCode()).isEqualTo(200);
        assertThat(delivery.msgId()).isEqualTo(hook.id());
        assertThat(delivery.eventType()).isEqualTo("job.succeeded");
        assertThat(delivery.deliveredAt()).isNotNull();
    }

    @Test
    void aFailedJobSendsJobFailedWithItsError() throws Exception {
        UUID jobId = submitThroughTheApi();
        LeasedJob claimed = queue.claim("test-worker", TestCatalog.CHECKPOINTS).orElseThrow();
        queue.fail(jobId, claimed.attempt(), WorkerIdentity.CONFIGURED, "Checkpoint not found", false);

        dispatcher.deliverDue();

        WebhookReceiver.Received hook = receiver.received().getFirst();
        assertThat(hook.signatureValid()).isTrue();
        assertThat((String) JsonPath.read(hook.body(), "$.type")).isEqualTo("job.failed");
        assertThat((String) JsonPath.read(hook.body(), "$.data.status")).isEqualTo("failed");
        assertThat((String) JsonPath.read(hook.body(), "$.data.error")).isEqualTo("Checkpoint not found");
        assertThat((Integer) JsonPath.read(hook.body(), "$.data.cost.released_credits")).isEqualTo(1);
    }

    @Test
    void aJobTheReaperFailsForGoodSendsJobFailed() throws Exception {
        UUID jobId = submitThroughTheApi();
        for (int attempt = 1; attempt <= 3; attempt++) { // the test models allow 3 attempts
            assertThat(deliveryCount()).isZero();
            queue.claim("test-worker", TestCatalog.CHECKPOINTS).orElseThrow();
            clock.advance(Duration.ofHours(2)); // past the lease and the attempt's deadline
            assertThat(queue.reapOverdue()).isEqualTo(1);
        }
        assertThat(job(jobId).status()).isEqualTo(org.text2image.server.generation.JobStatus.FAILED);

        dispatcher.deliverDue();
        WebhookReceiver.Received hook = receiver.received().getFirst();
        assertThat((String) JsonPath.read(hook.body(), "$.type")).isEqualTo("job.failed");
        assertThat((Integer) JsonPath.read(hook.body(), "$.data.attempts_used")).isEqualTo(3);
    }

    @Test
    void aRetriedAttemptSendsNothingUntilTheJobEnds() throws Exception {
        UUID jobId = submitThroughTheApi();
        LeasedJob claimed = queue.claim("test-worker", TestCatalog.CHECKPOINTS).orElseThrow();
        queue.fail(jobId, claimed.attempt(), WorkerIdentity.CONFIGURED, "ComfyUI ran out of memory", true);

        assertThat(dispatcher.deliverDue()).isZero();
        assertThat(receiver.received()).isEmpty();
        assertThat(deliveryCount()).isZero();
    }

    @Test
    void aCancelledJobSendsJobCancelled() throws Exception {
        UUID jobId = submitThroughTheApi();
        mvc.perform(post("/api/v1/jobs/" + jobId + "/cancel").header("Authorization", "Bearer " + apiKey))
                .andExpect(status().isOk());

        dispatcher.deliverDue();

        WebhookReceiver.Received hook = receiver.received().getFirst();
        assertThat(hook.signatureValid()).isTrue();
        assertThat((String) JsonPath.read(hook.body(), "$.type")).isEqualTo("job.cancelled");
        assertThat((String) JsonPath.read(hook.body(), "$.data.status")).isEqualTo("cancelled");
        assertThat((Integer) JsonPath.read(hook.body(), "$.data.cost.released_credits")).isEqualTo(1);
    }

    @Test
    void aFailedAttemptIsRetriedWithGrowingPausesUntilTheReceiverAnswers2xx() throws Exception {
        receiver.answer(500);
        clock.freeze();
        UUID jobId = submitThroughTheApi();
        generation.cancel(jobId, alice.id());

        Instant start = clock.instant().truncatedTo(ChronoUnit.MICROS);
        dispatcher.deliverDue();
        WebhookDelivery first = only();
        assertThat(first.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(first.attempts()).isEqualTo(1);
        assertThat(first.lastStatusCode()).isEqualTo(500);
        assertThat(first.lastError()).isEqualTo("HTTP 500: answer 500");
        assertThat(first.nextAttemptAt()).isEqualTo(start.plusSeconds(5));

        assertThat(dispatcher.deliverDue()).isZero(); // not due yet
        assertThat(receiver.received()).hasSize(1);

        Duration[] pauses = {Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(10)};
        Duration waited = Duration.ofSeconds(5);
        for (int i = 0; i < pauses.length; i++) {
            clock.advance(waited);
            dispatcher.deliverDue();
            WebhookDelivery retried = only();
            assertThat(retried.attempts()).isEqualTo(i + 2);
            assertThat(retried.nextAttemptAt()).isEqualTo(clock.instant().truncatedTo(ChronoUnit.MICROS).plus(pauses[i]));
            waited = pauses[i];
        }
        receiver.answer(204);
        clock.advance(waited);
        assertThat(dispatcher.deliverDue()).isEqualTo(1);

        WebhookDelivery delivered = only();
        assertThat(delivered.status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(delivered.attempts()).isEqualTo(5);
        assertThat(delivered.lastStatusCode()).isEqualTo(204);
        assertThat(delivered.lastError()).isNull();
        List<WebhookReceiver.Received> received = receiver.received();
        assertThat(received).hasSize(5).allMatch(WebhookReceiver.Received::signatureValid);
        assertThat(received).extracting(WebhookReceiver.Received::id).containsOnly(delivered.msgId());
        assertThat(received).extracting(WebhookReceiver.Received::timestamp).doesNotHaveDuplicates();
        assertThat(received).extracting(WebhookReceiver.Received::body).containsOnly(received.getFirst().body());
    }

    @Test
    void aDeliveryIsGivenUpTwentyFourHoursAfterItWasQueued() throws Exception {
        receiver.answer(503);
        clock.freeze();
        UUID jobId = submitThroughTheApi();
        generation.cancel(jobId, alice.id());
        Instant queued = clock.instant().truncatedTo(ChronoUnit.MICROS);
        dispatcher.deliverDue();

        clock.advance(Duration.ofHours(23).plusMinutes(59).plusSeconds(45));
        dispatcher.deliverDue();
        WebhookDelivery last = only();
        assertThat(last.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(last.nextAttemptAt()).isEqualTo(queued.plus(Duration.ofHours(24))); // not past the limit

        clock.advance(Duration.ofSeconds(15));
        dispatcher.deliverDue();
        WebhookDelivery given = only();
        assertThat(given.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(given.attempts()).isEqualTo(3);
        assertThat(given.lastStatusCode()).isEqualTo(503);

        clock.advance(Duration.ofHours(2));
        assertThat(dispatcher.deliverDue()).isZero();
        assertThat(receiver.received()).hasSize(3);
    }

    @Test
    void aGoneReceiverIsGivenUpAtOnce() throws Exception {
        receiver.answer(410);
        generation.cancel(submitThroughTheApi(), alice.id());
        dispatcher.deliverDue();
        assertThat(only().status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(only().attempts()).isEqualTo(1);
    }

    @Test
    void resendPostsTheSameBodyAgainWithANewWebhookId() throws Exception {
        generation.cancel(submitThroughTheApi(), alice.id());
        dispatcher.deliverDue();
        WebhookDelivery original = only();

        WebhookDelivery resent = webhooks.resend(alice.id(), keyId, original.id());
        assertThat(resent.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(resent.resentFrom()).isEqualTo(original.id());
        assertThat(resent.msgId()).isNotEqualTo(original.msgId());
        assertThatThrownBy(() -> webhooks.resend(alice.id(), keyId, original.id()))
                .isInstanceOf(InvalidWebhookException.class); // one pending resend at a time

        assertThat(dispatcher.deliverDue()).isEqualTo(1);
        List<WebhookReceiver.Received> received = receiver.received();
        assertThat(received).hasSize(2).allMatch(WebhookReceiver.Received::signatureValid);
        assertThat(received.get(1).id()).isEqualTo(resent.msgId());
        assertThat(received.get(1).body()).isEqualTo(received.get(0).body());
        assertThat(webhooks.deliveries(alice.id(), keyId)).extracting(WebhookDelivery::status)
                .containsExactly(DeliveryStatus.DELIVERED, DeliveryStatus.DELIVERED);
    }

    @Test
    void theLogForgetsFinishedDeliveriesAfterTheirKeepingTimeButKeepsPendingOnes() throws Exception {
        generation.cancel(submitThroughTheApi(), alice.id());
        dispatcher.deliverDue();
        WebhookDelivery original = only();
        WebhookDelivery resent = webhooks.resend(alice.id(), keyId, original.id()); // pending, points at the original

        assertThat(webhooks.forgetFinishedBefore(original.createdAt())).as("nothing older than the cutoff").isZero();
        assertThat(webhooks.forgetFinishedBefore(resent.createdAt().plusSeconds(1))).isEqualTo(1);

        assertThat(webhooks.deliveries(alice.id(), keyId)).singleElement().satisfies(left -> {
            assertThat(left.id()).isEqualTo(resent.id());
            assertThat(left.status()).isEqualTo(DeliveryStatus.PENDING);
            assertThat(left.resentFrom()).isNull();
        });
    }

    @Test
    void anotherUsersDeliveryCannotBeResentOrListed() throws Exception {
        generation.cancel(submitThroughTheApi(), alice.id());
        long deliveryId = only().id();
        SignedInUser bob = accounts.register("bob@example.com", "correct horse");
        long bobKey = keys.create(bob.id(), "bob's", EnumSet.allOf(ApiScope.class)).key().id();

        assertThatThrownBy(() -> webhooks.resend(bob.id(), keyId, deliveryId))
                .isInstanceOf(WebhookNotFoundException.class);
        assertThatThrownBy(() -> webhooks.resend(bob.id(), bobKey, deliveryId))
                .isInstanceOf(WebhookNotFoundException.class);
        assertThatThrownBy(() -> webhooks.deliveries(bob.id(), keyId))
                .isInstanceOf(WebhookNotFoundException.class);
        assertThat(deliveryCount()).isEqualTo(1);
    }

    @Test
    void aJobFromTheGenerateFormSendsNothing() throws Exception {
        UUID jobId = generation.enqueue(alice.id(), GenerationRequest.of("sd15", "from the page"));
        TestImages.complete(queue, generation, job(jobId), alice);

        assertThat(deliveryCount()).isZero();
        assertThat(dispatcher.deliverDue()).isZero();
        assertThat(receiver.received()).isEmpty();
    }

    @Test
    void aRevokedKeysJobsSendNothing() throws Exception {
        UUID ended = submitThroughTheApi();
        generation.cancel(ended, alice.id()); // queued before the revocation
        UUID running = submitThroughTheApi();
        keys.revoke(alice.id(), keyId);
        generation.cancel(running, alice.id()); // ends after it

        assertThat(deliveryCount()).isEqualTo(1);
        assertThat(dispatcher.deliverDue()).isZero();
        assertThat(receiver.received()).isEmpty();
        WebhookDelivery dropped = only();
        assertThat(dropped.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(dropped.attempts()).isZero();
        assertThat(dropped.lastError()).contains("revoked");
    }

    @Test
    void removingTheWebhookGivesUpItsPendingDeliveries() throws Exception {
        generation.cancel(submitThroughTheApi(), alice.id());
        assertThat(webhooks.remove(alice.id(), keyId)).isTrue();

        assertThat(dispatcher.deliverDue()).isZero();
        assertThat(receiver.received()).isEmpty();
        assertThat(only().status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(keys.find(alice.id(), keyId).orElseThrow().callbackUrl()).isNull();
        assertThat(webhooks.remove(alice.id(), keyId)).isFalse();
    }

    @Test
    void aRotatedSecretSignsTheNextAttempts() throws Exception {
        receiver.answer(500);
        clock.freeze();
        generation.cancel(submitThroughTheApi(), alice.id());
        dispatcher.deliverDue();
        String rotated = webhooks.rotateSecret(alice.id(), keyId);
        assertThat(rotated).isNotEqualTo(secret).startsWith("whsec_");
        receiver.verifyWith(rotated);
        receiver.answer(200);
        clock.advance(Duration.ofSeconds(5));

        dispatcher.deliverDue();
        assertThat(receiver.received()).extracting(WebhookReceiver.Received::signatureValid).containsExactly(true, true); // each checked with the secret of its time
        assertThat(only().status()).isEqualTo(DeliveryStatus.DELIVERED);
    }

    @Test
    void replacingTheUrlKeepsTheSecret() {
        assertThat(webhooks.set(alice.id(), keyId, receiver.url() + "?v=2")).isEmpty();
        assertThat(keys.find(alice.id(), keyId).orElseThrow().callbackUrl()).endsWith("/hook?v=2");
        assertThat(db.jdbc().sql("SELECT webhook_secret FROM api_key WHERE id = ?").param(keyId).query(String.class)
                .single()).isEqualTo(secret);
    }

    @Test
    void aUrlThatTurnsUnacceptableIsAFailedAttemptNotARequest() throws Exception {
        clock.freeze();
        generation.cancel(submitThroughTheApi(), alice.id());
        db.jdbc().sql("UPDATE api_key SET callback_url = 'ftp://127.0.0.1/hook' WHERE id = ?").param(keyId).update();

        dispatcher.deliverDue();
        WebhookDelivery failed = only();
        assertThat(failed.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.lastStatusCode()).isNull();
        assertThat(failed.lastError()).startsWith("Not sent: ");
        assertThat(receiver.received()).isEmpty();
    }

    private UUID submitThroughTheApi() throws Exception {
        String body = mvc.perform(post("/api/v1/jobs").header("Authorization", "Bearer " + apiKey)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"model\":\"sd15\",\"prompt\":\"a lighthouse\",\"width\":512,\"height\":512}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        return UUID.fromString(JsonPath.read(body, "$.id"));
    }

    private JobView job(UUID jobId) {
        return generation.find(jobId, new Viewer(alice.id(), false)).orElseThrow();
    }

    private WebhookDelivery only() {
        List<WebhookDelivery> deliveries = webhooks.deliveries(alice.id(), keyId);
        assertThat(deliveries).hasSize(1);
        return deliveries.getFirst();
    }

    private long deliveryCount() {
        return db.jdbc().sql("SELECT count(*) FROM webhook_delivery").query(Long.class).single();
    }
}
