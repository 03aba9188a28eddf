package org.text2image.server.api.webhooks;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code text2image.api.webhooks.*}: how the webhooks of API jobs are delivered (docs/API.md,
 * "Webhooks"; docs/CONFIGURATION.md).
 *
 * @param allowHttp whether a callback URL may be plain {@code http} (default false: {@code https} only)
 * @param allowPrivateAddresses whether a callback URL's host may resolve to a loopback, private,
 *     link-local, carrier-grade NAT or otherwise internal address (default false; {@link CallbackUrls})
 * @param deliveryInterval pause between two runs of the {@code webhook-delivery} task (default 2 s)
 * @param batchSize most deliveries one run attempts, in parallel (default 20)
 * @param connectTimeout how long to wait for the receiver's TCP and TLS connection (default 5 s)
 * @param requestTimeout how long to wait for the receiver's response headers (default 10 s)
 * @param giveUpAfter how long after its creation a delivery is retried before it is given up (default 24 h)
 * @param keepDeliveries how long delivered and given-up deliveries stay in the delivery log (default 30 days)
 */
@ConfigurationProperties("text2image.api.webhooks")
public record WebhookProperties(@DefaultValue("false") boolean allowHttp,
                                @DefaultValue("false") boolean allowPrivateAddresses,
                                @DefaultValue("2s") Duration deliveryInterval,
                                @DefaultValue("20") int batchSize,
                                @DefaultValue("5s") Duration connectTimeout,
                                @DefaultValue("10s") Duration requestTimeout,
                                @DefaultValue("24h") Duration giveUpAfter,
                                @DefaultValue("30d") Duration keepDeliveries) {

    /** @throws IllegalArgumentException for a non-positive duration or batch size */
    public WebhookProperties {
        if (!deliveryInterval.isPositive() || !connectTimeout.isPositive() || !requestTimeout.isPositive()
                || !giveUpAfter.isPositive() || !keepDeliveries.isPositive()) {
            throw new IllegalArgumentException("text2image.api.webhooks.delivery-interval, connect-timeout, "
                    + "request-timeout, give-up-after and keep-deliveries must be positive");
        }
        if (batchSize < 1 || batchSize > 200) {
            throw new IllegalArgumentException("text2image.api.webhooks.batch-size must be between 1 and 200");
        }
    }

    /**
     * How long a claimed delivery stays out of other runs' reach while its attempt is under way:
     * longer than the attempt can take (connect, response, and reading a little of the body).
     */
    Duration lease() {
        return connectTimeout.plus(requestTimeout).plus(requestTimeout).plusSeconds(30);
    }
}
