package org.text2image.server.help;

import java.time.Instant;
import java.util.UUID;

/**
 * One message of a support conversation (row of {@code support_message}).
 *
 * @param body plain text, 1–{@value org.text2image.server.help.chat.MessageText#MAX_LENGTH} characters
 * @param jobId the job the user attached, or null
 * @param paymentReference the reference of the payment the user attached, or null
 */
public record SupportMessage(long id, long conversationId, long authorId, boolean fromAdmin, String body, UUID jobId,
                             String paymentReference, Instant createdAt) {
}
