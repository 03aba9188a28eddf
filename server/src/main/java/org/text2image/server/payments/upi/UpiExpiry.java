package org.text2image.server.payments.upi;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.text2image.server.payments.PaymentRows;
import org.text2image.server.payments.PaymentState;
import org.text2image.server.payments.PaymentsProperties;

/**
 * Expires UPI requests that got no UTR within {@code upi.request-expiry} (24 h by default): a
 * recurring db-scheduler task ({@code payment-expiry}, every {@code text2image.payments.expiry-interval})
 * that runs on one server instance at a time. An expired request no longer counts toward the
 * pending limit and takes no UTR (the UTR form also refuses a request past its expiry between runs).
 */
@Configuration(proxyBeanMethods = false)
public class UpiExpiry {

    private static final Logger log = LoggerFactory.getLogger(UpiExpiry.class);

    private final PaymentRows rows;
    private final PaymentsProperties properties;

    UpiExpiry(PaymentRows rows, PaymentsProperties properties) {
        this.rows = rows;
        this.properties = properties;
    }

    @Bean
    RecurringTask<Void> paymentExpiryTask() {
        return Tasks.recurring("payment-expiry", FixedDelay.of(properties.expiryInterval()))
                .execute((instance, context) -> expireDue());
    }

    /**
     * Expires every UPI request past its expiry that is still waiting for a UTR.
     *
     * @return how many expired
     */
    public int expireDue() {
        int expired = rows.expireDue(PaymentState.AWAITING_UTR);
        if (expired > 0) {
            log.info("Expired {} UPI payment request(s) that got no UTR in time", expired);
        }
        return expired;
    }
}
