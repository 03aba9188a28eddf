package org.text2image.server.plans;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Grants plan credits as their periods begin: a recurring db-scheduler task ({@code plan-grants},
 * every {@code text2image.plans.grant-interval}, 1 min by default) that db-scheduler runs on one
 * server instance at a time. Each due user is granted in their own transaction
 * ({@link PlanTerms#grantDue}), whose {@code plan_period} row and ledger key make a second run, a
 * second instance, or a run after downtime grant nothing twice; a period that began while the server
 * was down is granted on its first run after.
 */
@Configuration(proxyBeanMethods = false)
public class PlanGrants {

    private static final Logger log = LoggerFactory.getLogger(PlanGrants.class);
    private static final int USERS_PER_ROUND = 500;

    private final SubscriptionRows rows;
    private final PlanTerms terms;
    private final PlansProperties properties;
    private final Clock clock;

    PlanGrants(SubscriptionRows rows, PlanTerms terms, PlansProperties properties, Clock clock) {
        this.rows = rows;
        this.terms = terms;
        this.properties = properties;
        this.clock = clock;
    }

    @Bean
    RecurringTask<Void> planGrantsTask() {
        return Tasks.recurring("plan-grants", FixedDelay.of(properties.grantInterval()))
                .execute((instance, context) -> grantAllDue());
    }

    /**
     * Grants every user's due periods and rolls ended terms over.
     *
     * @return periods granted
     */
    public int grantAllDue() {
        int total = 0;
        while (true) {
            List<Long> users = rows.due(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS), USERS_PER_ROUND);
            int round = 0;
            for (long user : users) {
                round += terms.grantDue(user);
            }
            total += round;
            // A user stays due only while a period is owed; a round that grants nothing has nothing left to do.
            if (users.size() < USERS_PER_ROUND || round == 0) {
                break;
            }
        }
        if (total > 0) {
            log.info("Granted {} plan period(s)", total);
        }
        return total;
    }
}
