package org.text2image.server.help;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;
import org.text2image.server.account.SignedInUser;

/**
 * The numbers beside the Help button, read by the layout while rendering
 * ({@code @supportBadge.unread(#authentication)}): the admins' replies the user has not seen, and
 * for admins ({@code @supportBadge.waiting(#authentication)}) the conversations with unread messages.
 */
@Component("supportBadge")
public class SupportBadge {

    private final SupportChat chat;

    SupportBadge(SupportChat chat) {
        this.chat = chat;
    }

    /** Replies the signed-in user has not seen; 0 for anonymous visitors. */
    public int unread(Authentication authentication) {
        if (authentication == null || !(authentication.getPrincipal() instanceof SignedInUser user)) {
            return 0;
        }
        return chat.conversationOf(user.id()).map(Conversation::unreadByUser).orElse(0);
    }

    /** Conversations with messages no admin has read; 0 for anyone but an admin. */
    public long waiting(Authentication authentication) {
        if (authentication == null || !(authentication.getPrincipal() instanceof SignedInUser user) || !user.admin()) {
            return 0;
        }
        return chat.unreadConversations();
    }
}
