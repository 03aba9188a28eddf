package org.text2image.server.payments.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;

/**
 * The webhook path's own limits, checked before any event is read: its rate and its body size.
 * Stripe is off here, so a request that passes the limits is refused by the webhook with a 400.
 */
class StripeWebhookLimitsTest {

    private static final int MAX = 64 * 1024;

    @Test
    void answersTooManyRequestsBeyondTheRateAndTellsWhenToRetry() throws Exception {
        StripeWebhookController controller = controller(2);
        assertThat(controller.receive(request(new byte[10], true)).getStatusCode().value()).isEqualTo(400);
        assertThat(controller.receive(request(new byte[10], true)).getStatusCode().value()).isEqualTo(400);

        ResponseEntity<String> third = controller.receive(request(new byte[10], true));

        assertThat(third.getStatusCode().value()).isEqualTo(429);
        assertThat(third.getHeaders().getFirst("Retry-After")).isEqualTo("60");
    }

    @Test
    void refusesABodyOverSixtyFourKilobytesWhetherItDeclaresItsLengthOrNot() throws Exception {
        StripeWebhookController controller = controller(100);
        assertThat(controller.receive(request(new byte[MAX + 1], true)).getStatusCode().value()).isEqualTo(413);
        assertThat(controller.receive(request(new byte[MAX + 1], false)).getStatusCode().value()).isEqualTo(413);
        assertThat(controller.receive(request(new byte[MAX], false)).getStatusCode().value())
                .as("exactly 64 KB is read and handed on").isEqualTo(400);
    }

    private static StripeWebhookController controller(int perMinute) {
        StripeProperties off = new StripeProperties("", "", URI.create("https://api.stripe.com"), perMinute);
        return new StripeWebhookController(new StripeWebhook(off, null, null, null, null, Clock.systemUTC()), off);
    }

    /** A webhook request; without a declared length, as a chunked body arrives. */
    private static MockHttpServletRequest request(byte[] body, boolean declaresLength) {
        MockHttpServletRequest request = declaresLength ? new MockHttpServletRequest("POST", StripeProperties.WEBHOOK_PATH)
                : new MockHttpServletRequest("POST", StripeProperties.WEBHOOK_PATH) {
                    @Override
                    public long getContentLengthLong() {
                        return -1;
                    }
                };
        request.setContent(body);
        request.addHeader("Stripe-Signature", "t=1,v1=00");
        return request;
    }
}
