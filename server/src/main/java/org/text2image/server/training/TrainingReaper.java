package org.text2image.server.training;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The db-scheduler task {@code overdue-trainings}: every {@code text2image.training.reaper-interval}
 * (default: {@code text2image.generation.reaper-interval}) it runs {@link TrainingQueue#reapOverdue}
 * until a batch comes back short, as {@code overdue-attempts} does for generation jobs.
 */
@Configuration(proxyBeanMethods = false)
class TrainingReaper {

    @Bean
    RecurringTask<Void> overdueTrainingsTask(TrainingQueue queue, TrainingProperties properties, Environment environment) {
        Duration interval = properties.reaperInterval() != null ? properties.reaperInterval()
                : environment.getProperty("text2image.generation.reaper-interval", Duration.class, Duration.ofSeconds(5));
        return Tasks.recurring("overdue-trainings", FixedDelay.of(interval))
                .execute((instance, context) -> reapAll(queue));
    }

    static void reapAll(TrainingQueue queue) {
        while (queue.reapOverdue() == TrainingQueue.REAP_BATCH) {
            // A full batch: more may be waiting.
        }
    }
}
