package org.text2image.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.text2image.server.account.AccountService;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestDatabase;

/**
 * A request that changes nothing in its session does not write the session row: the last-access
 * time is stored to the minute ({@link LastAccessThrottledSessions}).
 */
@IntegrationTest
class SessionLastAccessTest {

    @LocalServerPort int port;
    @Autowired AccountService accounts;
    @Autowired TestDatabase db;

    BrowserSession browser;

    @BeforeEach
    void setUp() throws Exception {
        db.clean();
        accounts.register("alice@example.com", "correct horse");
        browser = new BrowserSession(port).signIn("alice@example.com", "correct horse");
        browser.get("/history"); // the first page after sign-in may still set attributes (CSRF token)
    }

    @Test
    void pagesReadWithinAMinuteOfTheLastStampDoNotWriteTheSession() throws Exception {
        long before = lastAccess();

        for (String page : new String[] {"/history", "/generate", "/credits", "/history"}) {
            assertThat(browser.get(page).statusCode()).as(page).isEqualTo(200);
        }

        assertThat(lastAccess()).isEqualTo(before);
    }

    @Test
    void aSessionLastStampedOverAMinuteAgoIsStampedAgain() throws Exception {
        long twoMinutesAgo = lastAccess() - 120_000;
        db.jdbc().sql("UPDATE spring_session SET last_access_time = ?, expiry_time = ? + max_inactive_interval * 1000")
                .params(twoMinutesAgo, twoMinutesAgo).update();

        assertThat(browser.get("/history").statusCode()).isEqualTo(200);

        assertThat(lastAccess()).isGreaterThanOrEqualTo(twoMinutesAgo + 120_000);
    }

    private long lastAccess() {
        return db.jdbc().sql("SELECT max(last_access_time) FROM spring_session").query(Long.class).single();
    }
}
