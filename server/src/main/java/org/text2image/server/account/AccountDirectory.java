package org.text2image.server.account;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Accounts as the admin pages see them: search by email, an account's state, and disabling or
 * enabling sign-in. A disabled account cannot sign in ({@link AccountService#loadUserByUsername});
 * ending its sessions and its jobs is the caller's part.
 */
@Service
public class AccountDirectory {

    /** Longest search text, in characters (an address has at most 254). */
    public static final int MAX_QUERY = 254;

    private final JdbcClient jdbc;
    private final Clock clock;

    AccountDirectory(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * An account as an admin sees it.
     *
     * @param disabledAt when an admin disabled it, or null while it may sign in
     * @param deletedAt when an admin deleted it (its personal data is gone), or null
     */
    public record AccountView(long id, String email, Role role, Instant createdAt, Instant disabledAt,
                              Instant deletedAt) {

        /** Whether the account was deleted. */
        public boolean deleted() {
            return deletedAt != null;
        }

        /** Whether the account may not sign in. */
        public boolean disabled() {
            return disabledAt != null;
        }
    }

    private static final String COLUMNS = "id, email, role, created_at, disabled_at, deleted_at";

    /**
     * Accounts whose email contains {@code text} (case-insensitive), by email, at most {@code limit}
     * (1–500); a blank text lists the newest accounts.
     */
    @Transactional(readOnly = true)
    public List<AccountView> search(String text, int limit) {
        String fragment = text == null ? "" : text.strip();
        if (fragment.length() > MAX_QUERY) {
            return List.of();
        }
        int rows = Math.clamp(limit, 1, 500);
        if (fragment.isEmpty()) {
            return jdbc.sql("SELECT " + COLUMNS + " FROM app_user ORDER BY id DESC LIMIT ?").params(rows)
                    .query(AccountView.class).list();
        }
        return jdbc.sql("SELECT " + COLUMNS + " FROM app_user WHERE strpos(lower(email), lower(?)) > 0 "
                        + "ORDER BY lower(email) LIMIT ?")
                .params(fragment, rows).query(AccountView.class).list();
    }

    /** How many accounts were created in [{@code from}, {@code to}) (sign-ups). */
    @Transactional(readOnly = true)
    public long countJoined(Instant from, Instant to) {
        return jdbc.sql("SELECT count(*) FROM app_user WHERE created_at >= ? AND created_at < ?")
                .params(OffsetDateTime.ofInstant(from, java.time.ZoneOffset.UTC), OffsetDateTime.ofInstant(to, java.time.ZoneOffset.UTC))
                .query(Long.class).single();
    }

    /** The accounts created in [{@code from}, {@code to}), newest first, at most {@code limit} (1–500). */
    @Transactional(readOnly = true)
    public List<AccountView> joined(Instant from, Instant to, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM app_user WHERE created_at >= ? AND created_at < ? "
                        + "ORDER BY created_at DESC, id DESC LIMIT ?")
                .params(OffsetDateTime.ofInstant(from, java.time.ZoneOffset.UTC),
                        OffsetDateTime.ofInstant(to, java.time.ZoneOffset.UTC), Math.clamp(limit, 1, 500))
                .query(AccountView.class).list();
    }

    /** The ids of the accounts whose email contains {@code text} (case-insensitive), at most 500. */
    @Transactional(readOnly = true)
    public List<Long> idsMatching(String text) {
        return search(text, 500).stream().map(AccountView::id).toList();
    }

    /** The account with this id, if any. */
    @Transactional(readOnly = true)
    public Optional<AccountView> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM app_user WHERE id = ?").params(id)
                .query(AccountView.class).optional();
    }

    /**
     * Locks the account's row ({@code SELECT … FOR UPDATE}) until the caller's transaction ends, so
     * that counting and taking a per-user allowance (such as LoRA trainings) is one step for
     * concurrent requests of the same user. Needs the caller's transaction.
     *
     * @return false when there is no such account
     */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public boolean lock(long id) {
        return jdbc.sql("SELECT id FROM app_user WHERE id = ? FOR UPDATE").params(id).query(Long.class).optional().isPresent();
    }

    /**
     * Disables or enables sign-in, in the caller's transaction (or its own).
     *
     * @return whether the state changed (false: it already was so, or there is no such account)
     */
    @Transactional
    public boolean setDisabled(long id, boolean disabled) {
        if (disabled) {
            return jdbc.sql("UPDATE app_user SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL")
                    .params(OffsetDateTime.now(clock), id).update() == 1;
        }
        return jdbc.sql("UPDATE app_user SET disabled_at = NULL WHERE id = ? AND disabled_at IS NOT NULL")
                .params(id).update() == 1;
    }

    /**
     * Removes the account's personal data, in the caller's transaction: the email becomes
     * {@code deleted-<id>@deleted.invalid} (the address may register again), the password hash
     * unusable, and its mailed links and deletion request go. The row stays, disabled, for the
     * ledger, payment and audit rows that point at it.
     *
     * @return whether an account that was not yet deleted was anonymised
     */
    @Transactional
    public boolean anonymise(long id) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        boolean changed = jdbc.sql("""
                UPDATE app_user SET email = 'deleted-' || id || '@deleted.invalid', password_hash = '{deleted}',
                    email_verified_at = NULL, disabled_at = coalesce(disabled_at, ?), deleted_at = ?
                WHERE id = ? AND deleted_at IS NULL""").params(now, now, id).update() == 1;
        if (changed) {
            jdbc.sql("DELETE FROM account_token WHERE user_id = ?").params(id).update();
            jdbc.sql("DELETE FROM account_deletion_request WHERE user_id = ?").params(id).update();
        }
        return changed;
    }
}
