package org.text2image.server.api.developers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpSession;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.Races;
import org.text2image.server.support.TestDatabase;

/**
 * Two server instances' {@link OneTimeFormKeys} (two objects, each with its own memory) on one
 * database, each with its own copy of the session that holds the key, as two instances load it
 * when two posts of one form arrive together.
 */
@IntegrationTest
class OneTimeFormKeysAcrossInstancesTest {

    @Autowired JdbcClient jdbc;
    @Autowired Clock clock;
    @Autowired TestDatabase db;

    @BeforeEach
    void setUp() {
        db.clean();
        jdbc.sql("DELETE FROM api_form_key_claim").update();
    }

    @Test
    void twoPostsOfOneKeyOnTwoInstancesAtOnceRunTheActionOnce() throws Exception {
        OneTimeFormKeys onA = new OneTimeFormKeys(clock, jdbc);
        OneTimeFormKeys onB = new OneTimeFormKeys(clock, jdbc);
        MockHttpSession loadedByA = new MockHttpSession();
        String key = onA.issue(loadedByA);
        MockHttpSession loadedByB = copyOf(loadedByA);
        AtomicInteger runs = new AtomicInteger();

        List<OneTimeFormKeys.Outcome<String>> outcomes = Races.race(List.<Callable<OneTimeFormKeys.Outcome<String>>>of(
                () -> onA.once(loadedByA, 7, key, () -> "created on A #" + runs.incrementAndGet()),
                () -> onB.once(loadedByB, 7, key, () -> "created on B #" + runs.incrementAndGet())));

        assertThat(runs).hasValue(1);
        assertThat(outcomes).filteredOn(OneTimeFormKeys.Outcome::first).hasSize(1);
        assertThat(outcomes).filteredOn(outcome -> !outcome.first()).singleElement()
                .satisfies(other -> assertThat(other.result()).as("the other says: already sent").isNull());
    }

    @Test
    void aKeyWhoseActionFailedIsNotLeftClaimed() {
        OneTimeFormKeys keys = new OneTimeFormKeys(clock, jdbc);
        MockHttpSession session = new MockHttpSession();
        String key = keys.issue(session);

        try {
            keys.once(session, 7, key, () -> { throw new IllegalStateException("refused"); });
        } catch (IllegalStateException expected) {
            // the action's failure reaches the caller
        }

        assertThat(jdbc.sql("SELECT count(*) FROM api_form_key_claim").query(Long.class).single()).isZero();
    }

    private static MockHttpSession copyOf(MockHttpSession session) {
        MockHttpSession copy = new MockHttpSession();
        for (String name : Collections.list(session.getAttributeNames())) {
            copy.setAttribute(name, session.getAttribute(name));
        }
        return copy;
    }
}
