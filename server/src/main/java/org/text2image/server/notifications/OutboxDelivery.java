package org.text2image.server.notifications;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers the mail outbox: a recurring db-scheduler task ({@code mail-outbox-delivery}, every
 * {@code text2image.mail.delivery-interval}) that runs on one server instance at a time. Each mail
 * is taken in its own transaction with {@code FOR UPDATE SKIP LOCKED}, so even two deliveries at
 * once never send one mail twice, then sent through Spring's {@link JavaMailSender} and marked
 * SENT. A failed try records the error and is retried later; after {@code max-attempts} tries the
 * mail is FAILED. Without an SMTP server ({@code spring.mail.host} unset) there is no
 * {@code JavaMailSender}: the mail is written to the log and marked LOGGED, and the outbox page
 * shows it.
 *
 * <p>A mail that reached the SMTP server but whose SENT mark did not commit (the server died in
 * between) is sent again: delivery is at least once.
 */
@Configuration(proxyBeanMethods = false)
public class OutboxDelivery {

    private static final Logger log = LoggerFactory.getLogger(OutboxDelivery.class);
    /** Longest error text kept for the outbox page. */
    private static final int MAX_ERROR_LENGTH = 1000;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ObjectProvider<JavaMailSender> mailSender;
    private final OutboxProperties properties;
    private final Clock clock;

    OutboxDelivery(JdbcClient jdbc, TransactionTemplate tx, ObjectProvider<JavaMailSender> mailSender,
                   OutboxProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.mailSender = mailSender;
        this.properties = properties;
        this.clock = clock;
    }

    @Bean
    RecurringTask<Void> mailOutboxDeliveryTask() {
        return Tasks.recurring("mail-outbox-delivery", FixedDelay.of(properties.deliveryInterval()))
                .execute((instance, context) -> deliverDue());
    }

    /**
     * Delivers the pending mails that are due, oldest first, at most {@code text2image.mail.batch-size}.
     *
     * @return mails sent or logged by this run (failed tries not counted)
     */
    public int deliverDue() {
        int delivered = 0;
        for (int i = 0; i < properties.batchSize(); i++) {
            Optional<Boolean> outcome = tx.execute(status -> deliverNext());
            if (outcome == null || outcome.isEmpty()) {
                break;
            }
            if (outcome.get()) {
                delivered++;
            }
        }
        return delivered;
    }

    /** Whether mails go to an SMTP server ({@code spring.mail.host} is set) rather than to the log. */
    public boolean smtpConfigured() {
        return mailSender.getIfAvailable() != null;
    }

    /** Sends or logs the oldest due mail; empty when none is due, else whether it was delivered. */
    private Optional<Boolean> deliverNext() {
        Optional<OutboxMail> due = jdbc.sql("""
                SELECT id, user_id, recipient, subject, body, html_body, status, attempts, last_error, created_at, processed_at
                FROM mail_outbox WHERE status = 'PENDING' AND next_attempt_at <= ?
                ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED""")
                .params(now()).query(OutboxMail.class).optional();
        return due.map(mail -> {
            JavaMailSender sender = mailSender.getIfAvailable();
            if (sender == null) {
                log.info("No SMTP server configured (spring.mail.host): mail {} not sent, only logged. To: {}\n"
                        + "Subject: {}\n{}", mail.id(), mail.recipient(), mail.subject(), mail.body());
                finish(mail.id(), MailStatus.LOGGED, mail.attempts());
                return true;
            }
            try {
                send(sender, mail);
                finish(mail.id(), MailStatus.SENT, mail.attempts() + 1);
                return true;
            } catch (RuntimeException e) { // a MailException, or anything else: counted, so no mail blocks the rest
                failedTry(mail, e);
                return false;
            }
        });
    }

    private void send(JavaMailSender sender, OutboxMail mail) {
        if (mail.htmlBody() == null) {
            SimpleMailMessage message = new SimpleMailMessage();
            message.setFrom(properties.from());
            message.setTo(mail.recipient());
            message.setSubject(mail.subject());
            message.setText(mail.body());
            sender.send(message);
            return;
        }
        sender.send(mime -> { // multipart/alternative: the text part first, the HTML part preferred
            MimeMessageHelper helper = new MimeMessageHelper(mime, true, "UTF-8");
            helper.setFrom(properties.from());
            helper.setTo(mail.recipient());
            helper.setSubject(mail.subject());
            helper.setText(mail.body(), mail.htmlBody());
        });
    }

    private void finish(long id, MailStatus status, int attempts) {
        jdbc.sql("UPDATE mail_outbox SET status = ?, attempts = ?, processed_at = ? WHERE id = ?")
                .params(status.name(), attempts, now(), id).update();
    }

    private void failedTry(OutboxMail mail, RuntimeException e) {
        int attempts = mail.attempts() + 1;
        String error = abbreviate((e instanceof MailException m ? m.getMostSpecificCause() : e).toString());
        if (attempts >= properties.maxAttempts()) {
            log.error("Mail {} to {} failed {} times, giving up: {}", mail.id(), mail.recipient(), attempts, error);
            jdbc.sql("UPDATE mail_outbox SET status = 'FAILED', attempts = ?, last_error = ?, processed_at = ? WHERE id = ?")
                    .params(attempts, error, now(), mail.id()).update();
        } else {
            log.warn("Mail {} to {} failed (try {} of {}), will retry: {}", mail.id(), mail.recipient(), attempts,
                    properties.maxAttempts(), error);
            jdbc.sql("UPDATE mail_outbox SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?")
                    .params(attempts, error, now().plus(properties.retryDelay().multipliedBy(attempts)), mail.id())
                    .update();
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH - 1) + "…";
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
