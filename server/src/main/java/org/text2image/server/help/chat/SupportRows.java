package org.text2image.server.help.chat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.text2image.server.help.Conversation;
import org.text2image.server.help.ConversationStatus;
import org.text2image.server.help.SupportMessage;

/**
 * The only code that touches {@code support_conversation} and {@code support_message}
 * (migration V22). Runs in the caller's transaction.
 */
@Repository
public class SupportRows {

    private static final String CONVERSATION = """
            SELECT id, user_id, status, created_at, last_message_at, unread_by_admin, unread_by_user, user_watching_at
            FROM support_conversation""";
    private static final String MESSAGE = """
            SELECT id, conversation_id, author_id, from_admin, body, job_id, payment_reference, created_at
            FROM support_message""";

    private final JdbcClient jdbc;

    SupportRows(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The user's conversation, created (open, empty) when they have none; locked until the transaction ends. */
    public Conversation lockOrCreate(long userId, Instant now) {
        jdbc.sql("""
                INSERT INTO support_conversation (user_id, created_at, last_message_at) VALUES (?, ?, ?)
                ON CONFLICT (user_id) DO NOTHING""").params(userId, at(now), at(now)).update();
        return jdbc.sql(CONVERSATION + " WHERE user_id = ? FOR UPDATE").params(userId).query(Conversation.class).single();
    }

    public Optional<Conversation> ofUser(long userId) {
        return jdbc.sql(CONVERSATION + " WHERE user_id = ?").params(userId).query(Conversation.class).optional();
    }

    public Optional<Conversation> find(long id) {
        return jdbc.sql(CONVERSATION + " WHERE id = ?").params(id).query(Conversation.class).optional();
    }

    /**
     * Adds a message unless its author already used {@code postKey}.
     *
     * @return the new message's id, or empty when the key was taken (nothing added)
     */
    public Optional<Long> insert(long conversationId, long authorId, boolean fromAdmin, String body, UUID jobId,
                                 String paymentReference, UUID postKey, Instant now, String mailState) {
        return jdbc.sql("""
                INSERT INTO support_message (conversation_id, author_id, from_admin, body, job_id, payment_reference,
                                             post_key, created_at, mail_state)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (author_id, post_key) DO NOTHING RETURNING id""")
                .params(conversationId, authorId, fromAdmin, body, jobId, paymentReference, postKey, at(now), mailState)
                .query(Long.class).optional();
    }

    /** After a message: the time, the other side's unread count, and (for the user's) open again. */
    public void afterMessage(long conversationId, boolean fromAdmin, Instant now) {
        jdbc.sql(fromAdmin
                ? "UPDATE support_conversation SET last_message_at = ?, unread_by_user = unread_by_user + 1 WHERE id = ?"
                : "UPDATE support_conversation SET last_message_at = ?, unread_by_admin = unread_by_admin + 1, status = 'OPEN' WHERE id = ?")
                .params(at(now), conversationId).update();
    }

    /** The newest {@code limit} messages, oldest first. */
    public List<SupportMessage> messages(long conversationId, int limit) {
        return jdbc.sql("SELECT * FROM (" + MESSAGE + " WHERE conversation_id = ? ORDER BY id DESC LIMIT ?) m ORDER BY id")
                .params(conversationId, limit).query(SupportMessage.class).list();
    }

    /** The user saw the replies: none unread, and none waits to be mailed. */
    public void readByUser(long conversationId) {
        jdbc.sql("UPDATE support_conversation SET unread_by_user = 0 WHERE id = ? AND unread_by_user > 0")
                .params(conversationId).update();
        jdbc.sql("UPDATE support_message SET mail_state = 'NONE' WHERE conversation_id = ? AND mail_state = 'WAITING'")
                .params(conversationId).update();
    }

    public void readByAdmin(long conversationId) {
        jdbc.sql("UPDATE support_conversation SET unread_by_admin = 0 WHERE id = ? AND unread_by_admin > 0")
                .params(conversationId).update();
    }

    /** @return whether the status changed */
    public boolean setStatus(long conversationId, ConversationStatus from, ConversationStatus to) {
        return jdbc.sql("UPDATE support_conversation SET status = ? WHERE id = ? AND status = ?")
                .params(to.name(), conversationId, from.name()).update() == 1;
    }

    public void watching(long userId, Instant now) {
        jdbc.sql("UPDATE support_conversation SET user_watching_at = ? WHERE user_id = ?").params(at(now), userId).update();
    }

    /** The admins' replies of the conversation that wait for a mail, oldest first, locked. */
    public List<SupportMessage> waitingForMail(long conversationId) {
        return jdbc.sql(MESSAGE + " WHERE conversation_id = ? AND mail_state = 'WAITING' ORDER BY id FOR UPDATE")
                .params(conversationId).query(SupportMessage.class).list();
    }

    public void markMailed(Collection<Long> messageIds) {
        jdbc.sql("UPDATE support_message SET mail_state = 'SENT' WHERE id = ANY(?)")
                .params((Object) messageIds.stream().mapToLong(Long::longValue).toArray()).update();
    }

    /** Conversations with replies waiting for a mail, at most {@code limit}. */
    public List<Long> withWaitingMail(int limit) {
        return jdbc.sql("SELECT DISTINCT conversation_id FROM support_message WHERE mail_state = 'WAITING' LIMIT ?")
                .params(limit).query(Long.class).list();
    }

    /**
     * One page of the inbox, newest message first.
     *
     * @param status only these, or null for all
     * @param userIds only these users' conversations, or null for all
     */
    public List<Conversation> inbox(ConversationStatus status, long[] userIds, int limit, long offset) {
        return jdbc.sql(CONVERSATION + " " + """
                WHERE (CAST(? AS text) IS NULL OR status = ?) AND (CAST(? AS bigint[]) IS NULL OR user_id = ANY(?))
                ORDER BY last_message_at DESC, id DESC LIMIT ? OFFSET ?""")
                .params(status == null ? null : status.name(), status == null ? null : status.name(), userIds, userIds,
                        limit, offset)
                .query(Conversation.class).list();
    }

    public long count(ConversationStatus status, long[] userIds) {
        return jdbc.sql("""
                SELECT count(*) FROM support_conversation
                WHERE (CAST(? AS text) IS NULL OR status = ?) AND (CAST(? AS bigint[]) IS NULL OR user_id = ANY(?))""")
                .params(status == null ? null : status.name(), status == null ? null : status.name(), userIds, userIds)
                .query(Long.class).single();
    }

    /** Open conversations with messages no admin has read. */
    public long unreadConversations() {
        return jdbc.sql("SELECT count(*) FROM support_conversation WHERE unread_by_admin > 0").query(Long.class).single();
    }

    /** Deletes the user's conversation and its messages. */
    public int forget(long userId) {
        return jdbc.sql("DELETE FROM support_conversation WHERE user_id = ?").params(userId).update();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
