package org.text2image.server.api;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Forgets the API's Idempotency-Keys once their {@value ApiSubmissions#IDEMPOTENCY_HOURS} hours
 * are over: a recurring db-scheduler task ({@code api-idempotency-cleanup}, hourly, on one instance
 * at a time). A submit also replaces its own expired key, so the task only bounds the table's size.
 */
@Configuration(proxyBeanMethods = false)
class IdempotencyKeyCleanup {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyKeyCleanup.class);

    @Bean
    RecurringTask<Void> apiIdempotencyCleanupTask(ApiSubmissions submissions) {
        return Tasks.recurring("api-idempotency-cleanup", FixedDelay.of(Duration.ofHours(1)))
                .execute((instance, context) -> {
                    int forgotten = submissions.forgetExpiredKeys();
                    if (forgotten > 0) {
                        log.info("Forgot {} expired Idempotency-Key(s)", forgotten);
                    }
                });
    }
}
