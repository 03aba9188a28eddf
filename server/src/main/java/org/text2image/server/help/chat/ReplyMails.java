package org.text2image.server.help.chat;

import java.util.List;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.help.Conversation;
import org.text2image.server.help.SupportMessage;
import org.text2image.server.notifications.MailOutbox;
import org.text2image.server.support.SiteProperties;

/**
 * Mails a user the admins' replies they have not seen, when they are away from the site
 * ({@link Presence}): one mail for all of a conversation's waiting replies, written to the outbox
 * in the caller's transaction, and the replies marked as mailed. A reply that comes while the user
 * is on the site waits ({@code WAITING}): reading it cancels the mail, and the
 * {@code support-reply-mails} task ({@link ReplyMailTask}) mails it once the user is away.
 */
@Component
public class ReplyMails {

    static final String SUBJECT = "Text2Image support answered you";
    /** Replies quoted in one mail at most (the newest), which keeps it under the outbox's 20,000 characters. */
    static final int QUOTED = 3;

    private final SupportRows rows;
    private final Presence presence;
    private final MailOutbox outbox;
    private final AccountService accounts;
    private final SiteProperties site;

    ReplyMails(SupportRows rows, Presence presence, MailOutbox outbox, AccountService accounts, SiteProperties site) {
        this.rows = rows;
        this.presence = presence;
        this.outbox = outbox;
        this.accounts = accounts;
        this.site = site;
    }

    /**
     * Mails the conversation's waiting replies if its user is away; call inside a transaction.
     *
     * @return whether a mail was written
     */
    public boolean mailIfAway(Conversation conversation) {
        List<SupportMessage> waiting = rows.waitingForMail(conversation.id());
        if (waiting.isEmpty() || !presence.away(conversation)) {
            return false;
        }
        SignedInUser user = accounts.find(conversation.userId()).orElse(null);
        if (user == null) {
            return false;
        }
        outbox.enqueue(user.id(), user.email(), SUBJECT, body(waiting));
        rows.markMailed(waiting.stream().map(SupportMessage::id).toList());
        return true;
    }

    private String body(List<SupportMessage> replies) {
        List<SupportMessage> quoted = replies.subList(Math.max(0, replies.size() - QUOTED), replies.size());
        String texts = quoted.stream().map(reply -> cut(reply.body())).collect(Collectors.joining("\n\n---\n\n"));
        int earlier = replies.size() - quoted.size();
        String more = earlier == 0 ? "" : "\n\n(" + (earlier == 1 ? "1 earlier reply is" : earlier + " earlier replies are")
                + " on the site.)";
        return "Hello,\n\nText2Image support answered your message:\n\n" + texts + more
                + "\n\nRead the conversation and answer here: " + site.link("/support") + "\n";
    }

    /** Keeps a mail under the outbox's limit whatever the replies hold. */
    private static String cut(String text) {
        return text.length() > MessageText.MAX_LENGTH ? text.substring(0, MessageText.MAX_LENGTH) + "…" : text;
    }
}
