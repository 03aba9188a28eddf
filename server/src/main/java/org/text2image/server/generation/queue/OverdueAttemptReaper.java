package org.text2image.server.generation.queue;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.text2image.server.generation.GenerationProperties;

/**
 * The db-scheduler task {@code overdue-attempts}: every {@code text2image.generation.reaper-interval}
 * it runs {@link JobQueue#reapOverdue} until a batch comes back short. db-scheduler runs a
 * recurring task on one server instance at a time; {@code FOR UPDATE SKIP LOCKED} would keep
 * instances apart anyway.
 */
@Configuration(proxyBeanMethods = false)
class OverdueAttemptReaper {

    @Bean
    RecurringTask<Void> overdueAttemptsTask(JobQueue queue, GenerationProperties properties) {
        return Tasks.recurring("overdue-attempts", FixedDelay.of(properties.reaperInterval()))
                .execute((instance, context) -> reapAll(queue));
    }

    static void reapAll(JobQueue queue) {
        while (queue.reapOverdue() == JobQueue.REAP_BATCH) {
            // A full batch: more may be waiting.
        }
    }
}
