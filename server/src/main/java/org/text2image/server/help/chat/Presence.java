package org.text2image.server.help.chat;

import java.time.Clock;
import java.time.Instant;
import org.springframework.stereotype.Component;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.UserSessions;
import org.text2image.server.help.Conversation;
import org.text2image.server.help.HelpProperties;

/**
 * Whether a user is on the site, which decides whether an admin's reply is mailed. A user is on
 * the site while their support page is open (its event stream marks the conversation every
 * keep-alive, {@code user_watching_at}) or while one of their sessions loaded a page, each within
 * {@code text2image.help.away-after}; otherwise they are away. Session times are kept to the
 * minute (web/LastAccessThrottledSessions), which is fine against the default 5 minutes. Both
 * signals live in the database, so any server instance can tell.
 */
@Component
public class Presence {

    private final AccountService accounts;
    private final UserSessions sessions;
    private final HelpProperties properties;
    private final Clock clock;

    Presence(AccountService accounts, UserSessions sessions, HelpProperties properties, Clock clock) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.properties = properties;
        this.clock = clock;
    }

    /** Whether the conversation's user is away from the site now. */
    public boolean away(Conversation conversation) {
        Instant since = clock.instant().minus(properties.awayAfter());
        if (conversation.userWatchingAt() != null && conversation.userWatchingAt().isAfter(since)) {
            return false;
        }
        return accounts.find(conversation.userId())
                .map(user -> sessions.of(user, null).stream().noneMatch(session -> session.lastAccessedAt().isAfter(since)))
                .orElse(true);
    }
}
