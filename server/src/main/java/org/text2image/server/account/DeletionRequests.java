package org.text2image.server.account;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.support.InvalidInputException;

/**
 * "Delete my account", as a request to support: it is recorded ({@code account_deletion_request})
 * and mailed to every admin (also listed on the outbox page and on {@code /admin/users}); an admin
 * carries it out there ({@code admin/AccountDeletion}).
 */
@Service
public class DeletionRequests {

    /** Longest reason kept, in characters. */
    public static final int MAX_REASON = 2000;

    private final JdbcClient jdbc;
    private final AccountService accounts;
    private final AccountLinks links;
    private final Clock clock;

    DeletionRequests(JdbcClient jdbc, AccountService accounts, AccountLinks links, Clock clock) {
        this.jdbc = jdbc;
        this.accounts = accounts;
        this.links = links;
        this.clock = clock;
    }

    /** When this user asked, if they have. */
    @Transactional(readOnly = true)
    public Optional<Instant> requestedAt(long userId) {
        return jdbc.sql("SELECT requested_at FROM account_deletion_request WHERE user_id = ?").params(userId)
                .query(Instant.class).optional();
    }

    /**
     * A pending request.
     *
     * @param reason the user's reason, possibly empty
     */
    public record PendingRequest(long userId, String email, String reason, Instant requestedAt) {
    }

    /** The pending requests, oldest first (at most 200). */
    @Transactional(readOnly = true)
    public List<PendingRequest> pending() {
        return jdbc.sql("""
                SELECT r.user_id, u.email, r.reason, r.requested_at
                FROM account_deletion_request r JOIN app_user u ON u.id = r.user_id
                ORDER BY r.requested_at, r.user_id LIMIT 200""").query(PendingRequest.class).list();
    }

    /**
     * Records the request and mails the admins; a second request changes nothing.
     *
     * @throws InvalidInputException under the field {@code reason} when the reason is longer than
     *     {@value #MAX_REASON} characters
     */
    @Transactional
    public void request(SignedInUser user, String reason) {
        String text = reason == null ? "" : reason.strip();
        if (text.length() > MAX_REASON) {
            throw new InvalidInputException(
                    Map.of("reason", "Keep the reason under " + MAX_REASON + " characters."));
        }
        boolean first = jdbc.sql("""
                INSERT INTO account_deletion_request (user_id, reason, requested_at) VALUES (?, ?, ?)
                ON CONFLICT DO NOTHING""").params(user.id(), text, OffsetDateTime.now(clock)).update() == 1;
        if (first) {
            accounts.admins().forEach(admin -> links.deletionRequested(admin, user, text));
        }
    }
}
