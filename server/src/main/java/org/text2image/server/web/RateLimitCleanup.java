package org.text2image.server.web;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Deletes the shared rate-limit buckets that are full again ({@link SharedBuckets#forgetFull()}; a
 * full bucket is the same as none): a recurring db-scheduler task ({@code rate-limit-cleanup},
 * every {@value #INTERVAL_MINUTES} minutes, on one instance at a time). It only bounds the table's size.
 */
@Configuration(proxyBeanMethods = false)
class RateLimitCleanup {

    /** Minutes between runs. */
    static final int INTERVAL_MINUTES = 10;

    private static final Logger log = LoggerFactory.getLogger(RateLimitCleanup.class);

    @Bean
    RecurringTask<Void> rateLimitCleanupTask(SharedBuckets buckets) {
        return Tasks.recurring("rate-limit-cleanup", FixedDelay.of(Duration.ofMinutes(INTERVAL_MINUTES)))
                .execute((instance, context) -> {
                    int forgotten = buckets.forgetFull();
                    if (forgotten > 0) {
                        log.debug("Forgot {} full rate-limit bucket(s)", forgotten);
                    }
                });
    }
}
