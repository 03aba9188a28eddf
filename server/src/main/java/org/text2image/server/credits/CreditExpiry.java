package org.text2image.server.credits;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Moves out expired credits: a recurring db-scheduler task ({@code credit-expiry}, every
 * {@code text2image.credits.expiry-interval}, 1 min by default) that runs on one server instance
 * at a time and expires the due lots of each user in that user's own transaction
 * ({@link CreditLedger#expireDue}). Holds and releases also expire due lots first, so a balance
 * never spends an expired credit even between two runs.
 */
@Configuration(proxyBeanMethods = false)
public class CreditExpiry {

    private static final Logger log = LoggerFactory.getLogger(CreditExpiry.class);
    private static final int USERS_PER_ROUND = 1000;

    private final JdbcClient jdbc;
    private final CreditLedger ledger;
    private final CreditsProperties properties;
    private final Clock clock;

    CreditExpiry(JdbcClient jdbc, CreditLedger ledger, CreditsProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.properties = properties;
        this.clock = clock;
    }

    @Bean
    RecurringTask<Void> creditExpiryTask() {
        return Tasks.recurring("credit-expiry", FixedDelay.of(properties.expiryInterval()))
                .execute((instance, context) -> expireAllDue());
    }

    /**
     * Expires every due lot, user by user.
     *
     * @return credits expired
     */
    public long expireAllDue() {
        long total = 0;
        while (true) {
            List<Long> users = jdbc.sql("""
                    SELECT DISTINCT user_id FROM credit_lot
                    WHERE remaining_credits > 0 AND expires_at <= ? LIMIT ?""")
                    .params(OffsetDateTime.now(clock), USERS_PER_ROUND).query(Long.class).list();
            long round = 0;
            for (long user : users) {
                round += ledger.expireDue(user);
            }
            total += round;
            if (users.size() < USERS_PER_ROUND || round == 0) {
                break;
            }
        }
        if (total > 0) {
            log.info("Expired {}", Credits.format(total));
        }
        return total;
    }
}
