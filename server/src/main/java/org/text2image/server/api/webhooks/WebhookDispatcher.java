package org.text2image.server.api.webhooks;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers the webhook outbox: a recurring db-scheduler task ({@code webhook-delivery}, every
 * {@code text2image.api.webhooks.delivery-interval}). A run claims up to {@code batch-size} due
 * PENDING deliveries with {@code FOR UPDATE SKIP LOCKED} in a short transaction that moves their
 * {@code next_attempt_at} past the attempt ({@link WebhookProperties#lease()}), so no other run or
 * server instance takes them meanwhile; then makes the attempts in parallel with no transaction
 * open ({@link WebhookSender}); then records each outcome in its own transaction, fenced on the
 * attempt count.
 *
 * <p>A 2xx answer delivers. Any other outcome is a failed attempt, retried after
 * {@link #BACKOFF} (5 s, 30 s, 2 min, 10 min, 30 min, 1 h, then every 2 h) until
 * {@code give-up-after} (24 h) from the delivery's creation: the last attempt is made then, and a
 * failure gives up (FAILED). A {@code 410 Gone} gives up at once (the Standard Webhooks advice). A
 * delivery of a revoked key, or of a key whose webhook was removed, is given up without an
 * attempt. A receiver that got a request whose outcome was not recorded (the server stopped in
 * between) gets it again after the lease: delivery is at least once, and {@code webhook-id} lets
 * receivers drop repeats.
 */
@Configuration(proxyBeanMethods = false)
class WebhookDispatcher {

    /** The pause after the n-th failed attempt: the n-th entry, the last one repeating. */
    static final List<Duration> BACKOFF = List.of(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(2),
            Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2));

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final WebhookSender sender;
    private final WebhookProperties properties;
    private final Clock clock;

    WebhookDispatcher(JdbcClient jdbc, TransactionTemplate tx, WebhookSender sender, WebhookProperties properties,
                      Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.sender = sender;
        this.properties = properties;
        this.clock = clock;
    }

    @Bean
    RecurringTask<Void> webhookDeliveryTask() {
        return Tasks.recurring("webhook-delivery", FixedDelay.of(properties.deliveryInterval()))
                .execute((instance, context) -> deliverDue());
    }

    /**
     * Attempts the due deliveries, at most {@code batch-size}.
     *
     * @return how many were delivered by this run
     */
    int deliverDue() {
        List<Claimed> claimed = tx.execute(status -> claim());
        if (claimed == null || claimed.isEmpty()) {
            return 0;
        }
        List<Future<WebhookSender.Outcome>> attempts = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Claimed delivery : claimed) {
                attempts.add(executor.submit(() -> sender.send(delivery.url(), delivery.secret(), delivery.msgId(),
                        delivery.payload())));
            }
        }
        int delivered = 0;
        for (int i = 0; i < claimed.size(); i++) {
            Claimed delivery = claimed.get(i);
            WebhookSender.Outcome outcome = outcome(attempts.get(i));
            tx.executeWithoutResult(status -> record(delivery, outcome));
            if (outcome.delivered()) {
                delivered++;
            }
        }
        return delivered;
    }

    /** The pause after {@code failedAttempts} failed attempts (at least 1). */
    static Duration backoff(int failedAttempts) {
        return BACKOFF.get(Math.clamp(failedAttempts, 1, BACKOFF.size()) - 1);
    }

    private List<Claimed> claim() {
        Instant now = now();
        List<Claimed> due = jdbc.sql("""
                        SELECT d.id, d.msg_id, d.payload, d.attempts, d.created_at, k.callback_url, k.webhook_secret,
                               k.revoked_at IS NOT NULL AS revoked
                        FROM webhook_delivery d JOIN api_key k ON k.id = d.key_id
                        WHERE d.status = 'PENDING' AND d.next_attempt_at <= ?
                        ORDER BY d.next_attempt_at, d.id LIMIT ? FOR UPDATE OF d SKIP LOCKED""")
                .params(Timestamp.from(now), properties.batchSize())
                .query((rs, n) -> new Claimed(rs.getLong("id"), rs.getString("msg_id"), rs.getString("payload"),
                        rs.getInt("attempts"), rs.getTimestamp("created_at").toInstant(), rs.getString("callback_url"),
                        rs.getString("webhook_secret"), rs.getBoolean("revoked")))
                .list();
        List<Claimed> sendable = new ArrayList<>();
        for (Claimed delivery : due) {
            if (delivery.revoked() || delivery.url() == null) {
                jdbc.sql("UPDATE webhook_delivery SET status = 'FAILED', last_error = ? WHERE id = ?")
                        .params(delivery.revoked() ? "Not sent: the key was revoked." : "Not sent: the webhook was removed.",
                                delivery.id())
                        .update();
            } else {
                sendable.add(delivery);
            }
        }
        if (!sendable.isEmpty()) {
            jdbc.sql("UPDATE webhook_delivery SET next_attempt_at = ? WHERE id = ANY (?)")
                    .params(Timestamp.from(now.plus(properties.lease())),
                            sendable.stream().map(Claimed::id).toArray(Long[]::new))
                    .update();
        }
        return sendable;
    }

    private void record(Claimed delivery, WebhookSender.Outcome outcome) {
        Instant now = now();
        int attempts = delivery.attempts() + 1;
        if (outcome.delivered()) {
            jdbc.sql("""
                            UPDATE webhook_delivery SET status = 'DELIVERED', attempts = ?, last_attempt_at = ?,
                                last_status_code = ?, last_error = NULL, delivered_at = ?
                            WHERE id = ? AND status = 'PENDING' AND attempts = ?""")
                    .params(attempts, Timestamp.from(now), outcome.statusCode(), Timestamp.from(now), delivery.id(),
                            delivery.attempts())
                    .update();
            log.info("Webhook {} delivered (HTTP {}, attempt {})", delivery.msgId(), outcome.statusCode(), attempts);
            return;
        }
        Instant giveUpAt = delivery.createdAt().plus(properties.giveUpAfter());
        boolean gone = outcome.statusCode() != null && outcome.statusCode() == 410;
        if (gone || !now.isBefore(giveUpAt)) {
            jdbc.sql("""
                            UPDATE webhook_delivery SET status = 'FAILED', attempts = ?, last_attempt_at = ?,
                                last_status_code = ?, last_error = ?
                            WHERE id = ? AND status = 'PENDING' AND attempts = ?""")
                    .params(attempts, Timestamp.from(now), outcome.statusCode(), outcome.error(), delivery.id(),
                            delivery.attempts())
                    .update();
            log.warn("Webhook {} given up after {} attempt(s): {}", delivery.msgId(), attempts, outcome.error());
            return;
        }
        Instant next = now.plus(backoff(attempts));
        if (next.isAfter(giveUpAt)) {
            next = giveUpAt;
        }
        jdbc.sql("""
                        UPDATE webhook_delivery SET attempts = ?, last_attempt_at = ?, last_status_code = ?, last_error = ?,
                            next_attempt_at = ?
                        WHERE id = ? AND status = 'PENDING' AND attempts = ?""")
                .params(attempts, Timestamp.from(now), outcome.statusCode(), outcome.error(), Timestamp.from(next),
                        delivery.id(), delivery.attempts())
                .update();
        log.info("Webhook {} attempt {} failed, next at {}: {}", delivery.msgId(), attempts, next, outcome.error());
    }

    private static WebhookSender.Outcome outcome(Future<WebhookSender.Outcome> attempt) {
        try {
            return attempt.get();
        } catch (ExecutionException e) {
            return new WebhookSender.Outcome(false, null, "Not sent: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new WebhookSender.Outcome(false, null, "Interrupted: the server is stopping.");
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private record Claimed(long id, String msgId, String payload, int attempts, Instant createdAt, String url,
                           String secret, boolean revoked) {
    }
}
