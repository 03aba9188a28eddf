package org.text2image.server.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The Standard Webhooks symmetric scheme: the reference vector, and the shape of secrets and message ids. */
class WebhookSignaturesTest {

    @Test
    void signsTheReferenceVectorOfTheStandardWebhooksLibraries() {
        // svix-webhooks go/webhook_test.go TestWebhookSign, used by the Standard Webhooks libraries
        assertThat(WebhookSignatures.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330L, "{\"test\": 2432232314}"))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void aSecretIsWhsecAndThirtyTwoRandomBytes() {
        String secret = WebhookSignatures.newSecret();
        assertThat(secret).startsWith("whsec_").hasSize(50);
        assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
        assertThat(WebhookSignatures.newSecret()).isNotEqualTo(secret);
    }

    @Test
    void aMessageIdHasNoFullStop() {
        assertThat(WebhookSignatures.newMessageId()).matches("msg_[A-Za-z0-9_-]{22}");
    }

    @Test
    void refusesASecretWithoutItsPrefix() {
        assertThatThrownBy(() -> WebhookSignatures.sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1", 1, "{}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
