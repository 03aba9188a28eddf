package org.text2image.server.api.webhooks;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * An API key's webhook, as its owner manages it on {@code /developers/keys/{id}/webhook}: the
 * callback URL ({@link CallbackUrls}'s rules), the Standard Webhooks signing secret
 * ({@link WebhookSignatures}; shown once, when made), the delivery log and resends. Every method
 * takes the signed-in user's id: another user's key or delivery is {@link WebhookNotFoundException},
 * like an unknown one.
 */
@Service
public class Webhooks {

    /** Deliveries the log shows, newest first. */
    public static final int LOG_SIZE = 50;

    private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
    private static final String COLUMNS = "d.id, d.job_id, d.event_type, d.msg_id, d.status, d.attempts, "
            + "d.next_attempt_at, d.last_attempt_at, d.last_status_code, d.last_error, d.resent_from, d.created_at, "
            + "d.delivered_at";

    private final JdbcClient jdbc;
    private final CallbackUrls urls;
    private final Clock clock;

    Webhooks(JdbcClient jdbc, CallbackUrls urls, Clock clock) {
        this.jdbc = jdbc;
        this.urls = urls;
        this.clock = clock;
    }

    /**
     * Sets or replaces the key's callback URL. A key without a webhook gets a new signing secret,
     * returned here and never shown again; replacing the URL keeps the secret.
     *
     * @param url absolute https URL ({@link CallbackUrls})
     * @return the new secret, {@code whsec_…}; empty when the key already had one
     * @throws InvalidWebhookException (field {@code url}) for a URL that breaks a rule, or a revoked key
     * @throws WebhookNotFoundException for another user's key or an unknown id
     */
    @Transactional
    public Optional<String> set(long userId, long keyId, String url) {
        owned(userId, keyId);
        String checked = urls.check(url).toString(); // resolves the host: before the key's row is locked
        Key key = lock(userId, keyId);
        if (key.revoked()) {
            throw new InvalidWebhookException("This key is revoked: its jobs' events are no longer sent.");
        }
        String secret = key.secret() == null ? WebhookSignatures.newSecret() : key.secret();
        jdbc.sql("UPDATE api_key SET callback_url = ?, webhook_secret = ? WHERE id = ?")
                .params(checked, secret, keyId).update();
        log.info("Webhook of API key {} (user {}) set to {}", keyId, userId, checked);
        return key.secret() == null ? Optional.of(secret) : Optional.empty();
    }

    /**
     * Replaces the key's signing secret: every attempt from now on, retries of earlier deliveries
     * included, is signed with the new one.
     *
     * @return the new secret, {@code whsec_…}, shown once
     * @throws InvalidWebhookException when the key has no webhook or is revoked
     * @throws WebhookNotFoundException for another user's key or an unknown id
     */
    @Transactional
    public String rotateSecret(long userId, long keyId) {
        Key key = lock(userId, keyId);
        if (key.revoked() || key.secret() == null) {
            throw new InvalidWebhookException(key.revoked() ? "This key is revoked." : "Set a callback URL first.");
        }
        String secret = WebhookSignatures.newSecret();
        jdbc.sql("UPDATE api_key SET webhook_secret = ? WHERE id = ?").params(secret, keyId).update();
        log.info("Webhook secret of API key {} (user {}) replaced", keyId, userId);
        return secret;
    }

    /**
     * Removes the key's webhook (URL and secret); its pending deliveries are given up.
     *
     * @return false when it had none
     * @throws WebhookNotFoundException for another user's key or an unknown id
     */
    @Transactional
    public boolean remove(long userId, long keyId) {
        Key key = lock(userId, keyId);
        if (key.secret() == null) {
            return false;
        }
        jdbc.sql("UPDATE api_key SET callback_url = NULL, webhook_secret = NULL WHERE id = ?").param(keyId).update();
        int dropped = jdbc.sql("""
                        UPDATE webhook_delivery SET status = 'FAILED', last_error = 'The webhook was removed.'
                        WHERE key_id = ? AND status = 'PENDING'""")
                .param(keyId).update();
        log.info("Webhook of API key {} (user {}) removed; {} pending delivery(ies) given up", keyId, userId, dropped);
        return true;
    }

    /**
     * Forgets the delivered and given-up deliveries created before {@code cutoff} (their payloads
     * name prompts); pending ones stay whatever their age. A newer resend of a forgotten delivery
     * stays and no longer points at it.
     *
     * @return how many were forgotten
     */
    @Transactional
    public int forgetFinishedBefore(Instant cutoff) {
        Timestamp before = Timestamp.from(cutoff);
        jdbc.sql("""
                        UPDATE webhook_delivery SET resent_from = NULL
                        WHERE resent_from IN (SELECT id FROM webhook_delivery WHERE status <> 'PENDING' AND created_at < ?)""")
                .param(before).update();
        return jdbc.sql("DELETE FROM webhook_delivery WHERE status <> 'PENDING' AND created_at < ?").param(before).update();
    }

    /**
     * The key's latest {@value #LOG_SIZE} deliveries, newest first.
     *
     * @throws WebhookNotFoundException for another user's key or an unknown id
     */
    @Transactional(readOnly = true)
    public List<WebhookDelivery> deliveries(long userId, long keyId) {
        owned(userId, keyId);
        return jdbc.sql("SELECT " + COLUMNS + " FROM webhook_delivery d WHERE d.key_id = ? "
                        + "ORDER BY d.created_at DESC, d.id DESC LIMIT " + LOG_SIZE)
                .param(keyId).query(Webhooks::delivery).list();
    }

    /**
     * Sends a delivery again: a new delivery with the same body and a new {@code webhook-id}, due
     * now, retried like any other (the original stays in the log as it was).
     *
     * @return the new delivery
     * @throws InvalidWebhookException when the key has no webhook or is revoked, or the event is
     *     still pending (the delivery itself, or an earlier resend of it)
     * @throws WebhookNotFoundException when the delivery is not one of the user's key's
     */
    @Transactional
    public WebhookDelivery resend(long userId, long keyId, long deliveryId) {
        Key key = lock(userId, keyId);
        Original original = jdbc.sql("""
                        SELECT job_id, event_type, payload FROM webhook_delivery WHERE id = ? AND key_id = ?""")
                .params(deliveryId, keyId)
                .query((rs, n) -> new Original(rs.getObject("job_id", UUID.class), rs.getString("event_type"),
                        rs.getString("payload")))
                .optional()
                .orElseThrow(() -> new WebhookNotFoundException("No delivery " + deliveryId + " of key " + keyId));
        if (key.revoked() || key.secret() == null) {
            throw new InvalidWebhookException(key.revoked() ? "This key is revoked: nothing is sent any more."
                    : "Set a callback URL first.");
        }
        boolean pending = jdbc.sql("""
                        SELECT EXISTS (SELECT 1 FROM webhook_delivery
                                       WHERE key_id = ? AND job_id = ? AND event_type = ? AND status = 'PENDING')""")
                .params(keyId, original.jobId(), original.eventType()).query(Boolean.class).single();
        if (pending) {
            throw new InvalidWebhookException("This event is still being delivered: wait for its attempts to end.");
        }
        Timestamp now = Timestamp.from(clock.instant().truncatedTo(ChronoUnit.MICROS));
        long id = jdbc.sql("""
                        INSERT INTO webhook_delivery (key_id, job_id, event_type, msg_id, payload, next_attempt_at,
                                                      created_at, resent_from)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""")
                .params(keyId, original.jobId(), original.eventType(), WebhookSignatures.newMessageId(),
                        original.payload(), now, now, deliveryId)
                .query(Long.class).single();
        log.info("Webhook delivery {} of key {} resent as {}", deliveryId, keyId, id);
        return jdbc.sql("SELECT " + COLUMNS + " FROM webhook_delivery d WHERE d.id = ?").param(id)
                .query(Webhooks::delivery).single();
    }

    private Key lock(long userId, long keyId) {
        return jdbc.sql("""
                        SELECT revoked_at IS NOT NULL AS revoked, webhook_secret FROM api_key
                        WHERE id = ? AND user_id = ? FOR NO KEY UPDATE""")
                .params(keyId, userId)
                .query((rs, n) -> new Key(rs.getBoolean("revoked"), rs.getString("webhook_secret")))
                .optional()
                .orElseThrow(() -> new WebhookNotFoundException("No API key " + keyId + " of user " + userId));
    }

    private void owned(long userId, long keyId) {
        if (!jdbc.sql("SELECT EXISTS (SELECT 1 FROM api_key WHERE id = ? AND user_id = ?)").params(keyId, userId)
                .query(Boolean.class).single()) {
            throw new WebhookNotFoundException("No API key " + keyId + " of user " + userId);
        }
    }

    private record Key(boolean revoked, String secret) {
    }

    private record Original(UUID jobId, String eventType, String payload) {
    }

    static WebhookDelivery delivery(ResultSet rs, int row) throws SQLException {
        return new WebhookDelivery(rs.getLong("id"), rs.getObject("job_id", UUID.class), rs.getString("event_type"),
                rs.getString("msg_id"), DeliveryStatus.valueOf(rs.getString("status")), rs.getInt("attempts"),
                instant(rs, "next_attempt_at"), instant(rs, "last_attempt_at"),
                (Integer) rs.getObject("last_status_code"), rs.getString("last_error"),
                (Long) rs.getObject("resent_from"), instant(rs, "created_at"), instant(rs, "delivered_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
