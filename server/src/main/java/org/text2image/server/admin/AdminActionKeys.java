package org.text2image.server.admin;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * One-time keys of admin forms whose action has no idempotency key of its own (a re-run, an offer
 * mail): the {@code admin_action_key} table (migration V21), the one table this module owns. The
 * first post with a key inserts its row and does the action in the same transaction; a replay (a
 * double click, the back button, two tabs) finds the row, waits for the first to commit if it is
 * still running (the primary key's lock), and does nothing.
 */
@Repository
class AdminActionKeys {

    /** A form's key: 1–64 letters, digits, {@code -} or {@code _} (a form carries a UUID). */
    static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final JdbcClient jdbc;
    private final Clock clock;

    AdminActionKeys(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Claims {@code key} for an action, in the caller's transaction.
     *
     * @return empty when the key is new (the caller acts, then records its {@link #result}); the
     *     earlier action's result ("" when it recorded none) when the key was used before
     */
    @Transactional(propagation = Propagation.MANDATORY)
    Optional<String> claim(String key, String action, long adminId) {
        int inserted = jdbc.sql("""
                INSERT INTO admin_action_key (action_key, action, admin_id, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (action_key) DO NOTHING""")
                .params(key, action, adminId, OffsetDateTime.now(clock)).update();
        if (inserted == 1) {
            return Optional.empty();
        }
        return Optional.of(jdbc.sql("SELECT coalesce(result, '') FROM admin_action_key WHERE action_key = ?")
                .params(key).query(String.class).single());
    }

    /** Records what the action made (such as the new job's id), in the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    void result(String key, String result) {
        jdbc.sql("UPDATE admin_action_key SET result = ? WHERE action_key = ?").params(result, key).update();
    }
}
