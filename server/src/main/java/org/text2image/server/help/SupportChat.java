package org.text2image.server.help;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.credits.AdminAuditLog;
import org.text2image.server.help.chat.MessageText;
import org.text2image.server.help.chat.ReplyMails;
import org.text2image.server.help.chat.SupportRows;
import org.text2image.server.support.InvalidInputException;

/**
 * The support chat: a user's one conversation with the operator. The user writes (optionally about
 * one of their jobs or payments, {@link SupportAttachments}), admins answer, close and reopen
 * (audited). Every post carries the form's one-time key: a second post with the same key adds
 * nothing. Bad input changes nothing. Pages see new messages through the
 * {@code help_support_changed} notification (migration V22).
 */
@Service
public class SupportChat {

    /** Messages a page shows at most (the newest). */
    public static final int SHOWN_MESSAGES = 200;

    private final SupportRows rows;
    private final SupportAttachments attachments;
    private final ReplyMails mails;
    private final AdminAuditLog audit;
    private final Clock clock;

    SupportChat(SupportRows rows, SupportAttachments attachments, ReplyMails mails, AdminAuditLog audit, Clock clock) {
        this.rows = rows;
        this.attachments = attachments;
        this.mails = mails;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * The user writes to the operator (their conversation is created, or opened again).
     *
     * @param jobId the id of a job of theirs as typed, or blank
     * @param paymentReference the reference of a payment of theirs, or blank
     * @param postKey the form's one-time key
     * @return whether the message was added (false: the key was used already)
     * @throws InvalidInputException under {@code body}, {@code job}, {@code payment} or {@code key}
     */
    @Transactional
    public boolean write(long userId, String body, String jobId, String paymentReference, String postKey) {
        String text = MessageText.validate(body);
        UUID key = key(postKey);
        Attachment about = attachments.check(userId, jobId, paymentReference);
        Instant now = clock.instant();
        Conversation conversation = rows.lockOrCreate(userId, now);
        Optional<Long> added = rows.insert(conversation.id(), userId, false, text, about.jobId(), about.paymentReference(),
                key, now, "NONE");
        added.ifPresent(id -> rows.afterMessage(conversation.id(), false, now));
        return added.isPresent();
    }

    /**
     * An admin answers; the user is mailed at once when away ({@link ReplyMails}), else later if
     * they leave without reading it.
     *
     * @return whether the reply was added (false: the key was used already)
     * @throws InvalidInputException under {@code body} or {@code key}
     * @throws NoSuchElementException when there is no such conversation
     */
    @Transactional
    public boolean reply(SignedInUser admin, long conversationId, String body, String postKey) {
        String text = MessageText.validate(body);
        UUID key = key(postKey);
        Conversation conversation = rows.find(conversationId).orElseThrow(() -> new NoSuchElementException(
                "No support conversation " + conversationId));
        Instant now = clock.instant();
        Optional<Long> added = rows.insert(conversationId, admin.id(), true, text, null, null, key, now, "WAITING");
        if (added.isEmpty()) {
            return false;
        }
        rows.afterMessage(conversationId, true, now);
        mails.mailIfAway(conversation);
        return true;
    }

    /** The user's conversation, if they ever wrote. */
    @Transactional(readOnly = true)
    public Optional<Conversation> conversationOf(long userId) {
        return rows.ofUser(userId);
    }

    /** A conversation by id (for admins). */
    @Transactional(readOnly = true)
    public Optional<Conversation> find(long conversationId) {
        return rows.find(conversationId);
    }

    /** The newest {@value #SHOWN_MESSAGES} messages, oldest first. */
    @Transactional(readOnly = true)
    public List<SupportMessage> messages(long conversationId) {
        return rows.messages(conversationId, SHOWN_MESSAGES);
    }

    /** The user saw their conversation: its replies are read, and none will be mailed. */
    @Transactional
    public void readByUser(Conversation conversation) {
        if (conversation.unreadByUser() > 0) {
            rows.readByUser(conversation.id());
        }
    }

    /** An admin opened the conversation. */
    @Transactional
    public void readByAdmin(Conversation conversation) {
        if (conversation.unreadByAdmin() > 0) {
            rows.readByAdmin(conversation.id());
        }
    }

    /** The user's support page is open (its event stream's keep-alive). */
    @Transactional
    public void watching(long userId) {
        rows.watching(userId, clock.instant());
    }

    /**
     * Closes or reopens a conversation, with an audit row.
     *
     * @return whether it changed (false: it was already so)
     * @throws NoSuchElementException when there is no such conversation
     */
    @Transactional
    public boolean setStatus(SignedInUser admin, long conversationId, ConversationStatus to) {
        Conversation conversation = rows.find(conversationId).orElseThrow(() -> new NoSuchElementException(
                "No support conversation " + conversationId));
        ConversationStatus from = to == ConversationStatus.OPEN ? ConversationStatus.CLOSED : ConversationStatus.OPEN;
        if (!rows.setStatus(conversationId, from, to)) {
            return false;
        }
        audit.record(admin.id(), to == ConversationStatus.OPEN ? "SUPPORT_REOPENED" : "SUPPORT_CLOSED",
                conversation.userId(), null, "Support conversation #" + conversationId
                        + (to == ConversationStatus.OPEN ? " reopened" : " closed"), from.name().toLowerCase(),
                to.name().toLowerCase());
        return true;
    }

    /**
     * One page of the inbox, newest message first.
     *
     * @param status only these, or null for all
     * @param userIds only these users' conversations, or null for all
     * @param page 0-based
     */
    @Transactional(readOnly = true)
    public InboxPage inbox(ConversationStatus status, List<Long> userIds, int page, int size) {
        long[] ids = userIds == null ? null : userIds.stream().mapToLong(Long::longValue).toArray();
        int limit = Math.clamp(size, 1, 200);
        int number = Math.max(page, 0);
        return new InboxPage(rows.inbox(status, ids, limit, (long) number * limit), rows.count(status, ids), number, limit);
    }

    /** How many conversations have messages no admin has read. */
    @Transactional(readOnly = true)
    public long unreadConversations() {
        return rows.unreadConversations();
    }

    /**
     * Deletes the user's conversation and messages (an account deleted on request), in the caller's transaction.
     *
     * @return how many conversations were deleted (0 or 1)
     */
    @Transactional
    public int forget(long userId) {
        return rows.forget(userId);
    }

    private static UUID key(String postKey) {
        try {
            return UUID.fromString(postKey == null ? "" : postKey.strip());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(Map.of("key", "This form is out of date: reload the page and send again."));
        }
    }

    /**
     * One page of conversations.
     *
     * @param total how many match in all
     */
    public record InboxPage(List<Conversation> conversations, long total, int page, int size) {

        /** Whether a later page has rows. */
        public boolean hasNext() {
            return (long) (page + 1) * size < total;
        }
    }
}
