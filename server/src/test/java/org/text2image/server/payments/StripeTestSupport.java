package org.text2image.server.payments;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.stripe.net.Webhook;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.text2image.server.account.SignedInUser;

/** Steps of a card purchase for the Stripe tests: the Buy form's post, and fixture events signed as Stripe signs them. */
final class StripeTestSupport {

    static final String WEBHOOK_SECRET = "whsec_testSigningSecret123";

    private final MockMvc mvc;
    private final Clock clock;

    StripeTestSupport(MockMvc mvc, Clock clock) {
        this.mvc = mvc;
        this.clock = clock;
    }

    /** Posts a Buy button's form to {@code /payments/stripe}. */
    ResultActions buy(SignedInUser user, String packId, String amountMinor, String currency, String key) throws Exception {
        return mvc.perform(post("/payments/stripe").with(csrf()).with(user(user)).param("packId", packId)
                .param("amountMinor", amountMinor).param("currency", currency).param("requestKey", key));
    }

    ResultActions buyDollars(SignedInUser user) throws Exception {
        return buy(user, "dollars", "499", "USD", UUID.randomUUID().toString());
    }

    /**
     * A fixture event of {@code src/test/resources/stripe/<name>.json} with its {@code ${…}}
     * placeholders filled from the payment (and {@code overrides}).
     */
    String event(String name, Payment payment, Map<String, String> overrides) {
        long now = clock.instant().getEpochSecond();
        Map<String, String> values = new HashMap<>(Map.of(
                "EVENT_ID", "evt_1Test" + UUID.randomUUID().toString().replace("-", ""),
                "CREATED", Long.toString(now), "EXPIRES", Long.toString(now + 86_400),
                "SESSION_ID", payment.providerReference() == null ? "cs_test_none" : payment.providerReference(),
                "REFERENCE", payment.reference(), "AMOUNT", Long.toString(payment.amountMinor()),
                "CURRENCY", payment.currency().toLowerCase(java.util.Locale.ROOT), "PACK_ID", payment.packId(),
                "PAYMENT_ID", Long.toString(payment.id()), "USER_ID", Long.toString(payment.userId())));
        values.put("TYPE", "checkout.session.completed");
        values.put("PAYMENT_STATUS", "paid");
        values.putAll(overrides);
        String json = fixture(name);
        for (Map.Entry<String, String> value : values.entrySet()) {
            json = json.replace("${" + value.getKey() + "}", value.getValue());
        }
        return json;
    }

    /**
     * A fixture event of {@code src/test/resources/stripe/<name>.json} with its {@code ${…}}
     * placeholders filled from {@code values} (a fresh {@code EVENT_ID} and {@code CREATED} = now
     * unless given).
     */
    String event(String name, Map<String, String> values) {
        Map<String, String> all = new HashMap<>(Map.of(
                "EVENT_ID", "evt_1Test" + UUID.randomUUID().toString().replace("-", ""),
                "CREATED", Long.toString(clock.instant().getEpochSecond())));
        all.putAll(values);
        String json = fixture(name);
        for (Map.Entry<String, String> value : all.entrySet()) {
            json = json.replace("${" + value.getKey() + "}", value.getValue());
        }
        if (json.contains("${")) {
            throw new IllegalArgumentException("Fixture " + name + " has a placeholder not filled: "
                    + json.substring(json.indexOf("${"), json.indexOf('}', json.indexOf("${")) + 1));
        }
        return json;
    }

    /** Sends a webhook request signed now with the endpoint's secret. */
    ResultActions send(String payload) throws Exception {
        return send(payload, sign(payload, WEBHOOK_SECRET, clock.instant().getEpochSecond()));
    }

    ResultActions send(String payload, String signature) throws Exception {
        return mvc.perform(post("/webhooks/stripe").contentType(MediaType.APPLICATION_JSON)
                .content(payload.getBytes(StandardCharsets.UTF_8)).header("Stripe-Signature", signature));
    }

    /** The {@code Stripe-Signature} header Stripe would send for this payload, secret and time (epoch seconds). */
    static String sign(String payload, String secret, long timestamp) throws Exception {
        return Webhook.Signature.generateSignatureHeader(payload, secret, timestamp);
    }

    private static String fixture(String name) {
        try (InputStream in = StripeTestSupport.class.getResourceAsStream("/stripe/" + name + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
