package org.text2image.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.MapSession;
import org.springframework.session.Session;

/** Which lookups and saves reach the session store behind {@link LastAccessThrottledSessions}. */
class LastAccessThrottledSessionsTest {

    private final CountingStore store = new CountingStore();
    private final LastAccessThrottledSessions sessions = new LastAccessThrottledSessions(store);

    @AfterEach
    void endRequest() {
        LastAccessThrottledSessions.forgetCommitted();
    }

    @Test
    void aSessionReadAndTouchedWithinAMinuteIsNotWrittenBack() {
        String id = storedSession(Instant.now().minusSeconds(30));

        LastAccessThrottledSessions.TrackedSession session = sessions.findById(id);
        session.setLastAccessedTime(Instant.now());
        sessions.save(session);

        assertThat(store.saves).isZero();
    }

    @Test
    void aChangedAttributeOrAnOldLastAccessIsWrittenBack() {
        String id = storedSession(Instant.now().minusSeconds(90));

        LastAccessThrottledSessions.TrackedSession stale = sessions.findById(id);
        stale.setLastAccessedTime(Instant.now());
        sessions.save(stale);
        LastAccessThrottledSessions.forgetCommitted();
        LastAccessThrottledSessions.TrackedSession changed = sessions.findById(id);
        changed.setAttribute("notice", "Job cancelled");
        sessions.save(changed);

        assertThat(store.saves).isEqualTo(2);
        assertThat((String) store.sessions.get(id).getAttribute("notice")).isEqualTo("Job cancelled");
    }

    @Test
    void theSessionARequestCommittedIsLookedUpAgainFromMemoryOnlyWithinThatRequest() throws Exception {
        String id = storedSession(Instant.now());
        LastAccessThrottledSessions.TrackedSession session = sessions.findById(id);
        sessions.save(session); // Spring Session's commit when the response is committed

        assertThat(sessions.findById(id)).as("its commit at the end of the request").isSameAs(session);
        assertThat(store.lookups).isEqualTo(1);

        assertThat(CompletableFuture.supplyAsync(() -> sessions.findById(id)).get()).as("another thread").isNotSameAs(session);
        assertThat(store.lookups).isEqualTo(2);

        LastAccessThrottledSessions.forgetCommitted(); // the request ended
        assertThat(sessions.findById(id)).isNotSameAs(session);
        assertThat(store.lookups).isEqualTo(3);
    }

    @Test
    void aDeletedSessionIsNotAnsweredFromMemory() {
        String id = storedSession(Instant.now());
        sessions.save(sessions.findById(id));

        sessions.deleteById(id); // signing out

        assertThat(sessions.findById(id)).isNull();
    }

    private String storedSession(Instant lastAccess) {
        MapSession session = new MapSession();
        session.setMaxInactiveInterval(Duration.ofDays(7));
        session.setLastAccessedTime(lastAccess);
        store.sessions.put(session.getId(), session);
        return session.getId();
    }

    /** A session store in memory that counts lookups and saves; hands out copies, as a database does. */
    private static final class CountingStore implements FindByIndexNameSessionRepository<Session> {

        final Map<String, MapSession> sessions = new HashMap<>();
        int lookups;
        int saves;

        @Override
        public Session createSession() {
            return new MapSession();
        }

        @Override
        public void save(Session session) {
            saves++;
            sessions.put(session.getId(), new MapSession(session));
        }

        @Override
        public synchronized Session findById(String id) {
            lookups++;
            MapSession found = sessions.get(id);
            return found == null ? null : new MapSession(found);
        }

        @Override
        public void deleteById(String id) {
            sessions.remove(id);
        }

        @Override
        public Map<String, Session> findByIndexNameAndIndexValue(String indexName, String indexValue) {
            return Map.of();
        }
    }
}
