package org.text2image.server.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.jayway.jsonpath.JsonPath;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.api.ApiKeys;
import org.text2image.server.api.ApiScope;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.Races;
import org.text2image.server.support.SecondInstance;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.PageTest;

/**
 * The {@code webhook-delivery} task run by two server instances on one database at once
 * (docs/ARCHITECTURE.md, "In-memory state and several instances"): each delivery is claimed by one
 * of them ({@code FOR UPDATE SKIP LOCKED} and a lease), so the receiver gets every event once.
 */
@PageTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookDeliveryAcrossInstancesTest {

    @Autowired MockMvc mvc;
    @Autowired DataSource dataSource;
    @Autowired AccountService accounts;
    @Autowired ApiKeys keys;
    @Autowired Webhooks webhooks;
    @Autowired WebhookDispatcher dispatcher;
    @Autowired GenerationService generation;
    @Autowired MutableClock clock;
    @Autowired TestDatabase db;

    ConfigurableApplicationContext second;
    WebhookReceiver receiver;
    SignedInUser alice;
    long keyId;
    String apiKey;

    @BeforeAll
    void startSecondInstance() throws Exception {
        second = SecondInstance.start(dataSource);
    }

    @AfterAll
    void stopSecondInstance() {
        second.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        clock.reset(); // both instances on the real clock: what one queues is due for the other
        db.clean();
        receiver = new WebhookReceiver();
        alice = accounts.register("alice@example.com", "correct horse");
        var created = keys.create(alice.id(), "script", EnumSet.allOf(ApiScope.class));
        keyId = created.key().id();
        apiKey = created.secret();
        receiver.verifyWith(webhooks.set(alice.id(), keyId, receiver.url()).orElseThrow());
    }

    @AfterEach
    void tearDown() {
        receiver.close();
    }

    @Test
    void bothInstancesDeliveringAtOnceSendEachEventOnce() throws Exception {
        for (int i = 0; i < 6; i++) {
            generation.cancel(submitThroughTheApi(), alice.id());
        }
        assertThat(webhooks.deliveries(alice.id(), keyId)).hasSize(6)
                .allMatch(delivery -> delivery.status() == DeliveryStatus.PENDING);
        WebhookDispatcher other = second.getBean(WebhookDispatcher.class);

        List<Integer> delivered = Races.race(List.<Callable<Integer>>of(dispatcher::deliverDue, other::deliverDue,
                dispatcher::deliverDue, other::deliverDue));

        assertThat(delivered.stream().mapToInt(Integer::intValue).sum()).as("none twice (a scheduled run may take some)")
                .isLessThanOrEqualTo(6);
        assertThat(receiver.received()).hasSize(6).allMatch(WebhookReceiver.Received::signatureValid)
                .extracting(WebhookReceiver.Received::id).doesNotHaveDuplicates();
        assertThat(webhooks.deliveries(alice.id(), keyId)).allSatisfy(delivery -> {
            assertThat(delivery.status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(delivery.attempts()).isEqualTo(1);
        });
    }

    private UUID submitThroughTheApi() throws Exception {
        String body = mvc.perform(post("/api/v1/jobs").header("Authorization", "Bearer " + apiKey)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"model\":\"sd15\",\"prompt\":\"a lighthouse\",\"width\":512,\"height\":512}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        return UUID.fromString(JsonPath.read(body, "$.id"));
    }
}
