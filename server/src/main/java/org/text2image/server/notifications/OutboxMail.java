package org.text2image.server.notifications;

import java.time.Instant;

/**
 * One row of the mail outbox.
 *
 * @param userId the user it was written for, or null
 * @param recipient the address it goes to
 * @param body plain text
 * @param htmlBody the same message as HTML, or null for a text-only mail
 * @param attempts tries to hand it to the SMTP server so far, failed or not
 * @param lastError why the last try failed, or null
 * @param processedAt when it was sent, logged or given up; null while pending
 */
public record OutboxMail(long id, Long userId, String recipient, String subject, String body, String htmlBody,
                         MailStatus status,
                         int attempts, String lastError, Instant createdAt, Instant processedAt) {
}
