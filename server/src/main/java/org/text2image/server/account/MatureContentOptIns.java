package org.text2image.server.account;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A user's own choice to see models marked {@code mature} ({@code app_user.mature_content_opt_in},
 * off by default): turned on from the Account page after confirming they are 18 or older. A mature
 * model also needs a plan that allows mature content (docs/PLANS.md, "Enforcement").
 */
@Service
public class MatureContentOptIns {

    private final JdbcClient jdbc;

    MatureContentOptIns(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Whether the user has turned mature models on; false for an unknown user. */
    @Transactional(readOnly = true)
    public boolean optedIn(long userId) {
        return jdbc.sql("SELECT mature_content_opt_in FROM app_user WHERE id = ?").params(userId)
                .query(Boolean.class).optional().orElse(false);
    }

    /**
     * Turns mature models on or off for the user. The caller has had the user confirm their age
     * before turning them on.
     *
     * @return whether the setting changed (false: it already was so)
     */
    @Transactional
    public boolean set(long userId, boolean optIn) {
        return jdbc.sql("UPDATE app_user SET mature_content_opt_in = ? WHERE id = ? AND mature_content_opt_in <> ?")
                .params(optIn, userId, optIn).update() == 1;
    }
}
