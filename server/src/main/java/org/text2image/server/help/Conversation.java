package org.text2image.server.help;

import java.time.Instant;

/**
 * One user's support conversation with the operator (row of {@code support_conversation}).
 *
 * @param unreadByAdmin the user's messages no admin has opened yet
 * @param unreadByUser the admins' replies the user has not seen yet
 * @param userWatchingAt the last keep-alive of the user's open support page, or null
 */
public record Conversation(long id, long userId, ConversationStatus status, Instant createdAt, Instant lastMessageAt,
                           int unreadByAdmin, int unreadByUser, Instant userWatchingAt) {
}
