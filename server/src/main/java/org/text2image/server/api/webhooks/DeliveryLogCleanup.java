package org.text2image.server.api.webhooks;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Bounds the delivery log: a recurring db-scheduler task ({@code webhook-log-cleanup}, hourly, on
 * one instance at a time) forgets delivered and given-up deliveries older than
 * {@code text2image.api.webhooks.keep-deliveries} ({@link Webhooks#forgetFinishedBefore}).
 */
@Configuration(proxyBeanMethods = false)
class DeliveryLogCleanup {

    private static final Logger log = LoggerFactory.getLogger(DeliveryLogCleanup.class);

    @Bean
    RecurringTask<Void> webhookLogCleanupTask(Webhooks webhooks, WebhookProperties properties, Clock clock) {
        return Tasks.recurring("webhook-log-cleanup", FixedDelay.of(Duration.ofHours(1)))
                .execute((instance, context) -> {
                    int forgotten = webhooks.forgetFinishedBefore(clock.instant().minus(properties.keepDeliveries()));
                    if (forgotten > 0) {
                        log.info("Forgot {} finished webhook delivery(ies)", forgotten);
                    }
                });
    }
}
