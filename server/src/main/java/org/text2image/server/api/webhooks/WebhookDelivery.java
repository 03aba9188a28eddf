package org.text2image.server.api.webhooks;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of a key's delivery log: one webhook message and how its attempts went.
 *
 * @param id the delivery's id
 * @param jobId the job the event is about
 * @param eventType {@code job.succeeded}, {@code job.failed} or {@code job.cancelled}
 * @param msgId the {@code webhook-id} header, the same on every retry
 * @param status where it stands
 * @param attempts attempts made so far
 * @param nextAttemptAt while PENDING, when the next attempt is due
 * @param lastAttemptAt when the last attempt was made; null before the first
 * @param lastStatusCode the receiver's HTTP status at the last attempt; null before one or without a response
 * @param lastError why the last attempt failed (at most 500 characters); null after a success
 * @param resentFrom the delivery this one resends; null for the original
 * @param createdAt when it was queued (the job's end, or the resend)
 * @param deliveredAt when the receiver answered 2xx; null otherwise
 */
public record WebhookDelivery(long id, UUID jobId, String eventType, String msgId, DeliveryStatus status, int attempts,
                              Instant nextAttemptAt, Instant lastAttemptAt, Integer lastStatusCode, String lastError,
                              Long resentFrom, Instant createdAt, Instant deliveredAt) {
}
