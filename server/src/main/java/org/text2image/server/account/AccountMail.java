package org.text2image.server.account;

/**
 * A mail about an account (verification link, password reset, notices), published inside the
 * transaction of the change it tells about; the notifications module writes it to the mail outbox
 * in that same transaction, so a change that rolls back sends nothing.
 *
 * @param userId the account it is about
 * @param recipient the account's email address
 * @param subject 1–200 characters
 * @param body plain text
 */
public record AccountMail(long userId, String recipient, String subject, String body) {
}
