package org.text2image.server.web;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;

/**
 * A session repository in front of Spring Session JDBC that saves a session only when something
 * in it changed, counting its last-access time as changed only once it has moved on by
 * {@link #LAST_ACCESS_RESOLUTION} from the stored value.
 *
 * <p>Spring Session stamps the last-access time on every request that reads its session, and the
 * JDBC repository then updates the session row in a transaction of its own: one database write
 * for every page, form post, stream and download, although the time only decides when a session
 * that is no longer used expires ({@code server.servlet.session.timeout}, 7 days). Stored to the
 * minute, a session expires at most one minute early, and a request that changes nothing in its
 * session (most of them) costs the session's read only.
 *
 * <p>It also answers Spring Session's second lookup of a request's session from memory. Spring
 * Session commits the session when the response is committed and again when the request ends; the
 * second commit looks the session up again by its id (an open Spring Session issue, #1731), which
 * is one more database query per request. The session a request has committed is kept for that
 * request's thread ({@link #committed}) and a lookup of the same id on that thread returns it; the
 * memo is dropped when the request ends ({@link #forgetCommitted()}, called by
 * {@link SessionStore}'s filter around Spring Session's), so it never outlives its request.
 *
 * @param delegate the JDBC repository, whose session class is not public (hence the raw type)
 */
record LastAccessThrottledSessions(FindByIndexNameSessionRepository<Session> delegate)
        implements FindByIndexNameSessionRepository<LastAccessThrottledSessions.TrackedSession> {

    /** How far the last-access time must move on from the stored value before it is saved. */
    static final Duration LAST_ACCESS_RESOLUTION = Duration.ofMinutes(1);

    /** The session the current request has committed, if any (see the class comment). */
    private static final ThreadLocal<TrackedSession> committed = new ThreadLocal<>();

    /** Drops the current thread's committed session: called when each request ends. */
    static void forgetCommitted() {
        committed.remove();
    }

    @Override
    public TrackedSession createSession() {
        return new TrackedSession(delegate.createSession(), true);
    }

    @Override
    public void save(TrackedSession session) {
        if (session.changed) {
            delegate.save(session.stored);
            session.changed = false;
        }
        committed.set(session);
    }

    @Override
    public TrackedSession findById(String id) {
        TrackedSession memo = committed.get();
        if (memo != null && memo.getId().equals(id)) {
            return memo;
        }
        Session found = delegate.findById(id);
        return found == null ? null : new TrackedSession(found, false);
    }

    @Override
    public void deleteById(String id) {
        committed.remove();
        delegate.deleteById(id);
    }

    @Override
    public Map<String, TrackedSession> findByIndexNameAndIndexValue(String indexName, String indexValue) {
        return delegate.findByIndexNameAndIndexValue(indexName, indexValue).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> new TrackedSession(e.getValue(), false)));
    }

    /**
     * A session as loaded or created, remembering whether it holds anything to save: a new
     * session, a changed id, attribute or timeout, or a last-access time a minute past the stored one.
     */
    static final class TrackedSession implements Session {

        private final Session stored;
        private boolean changed;

        private TrackedSession(Session stored, boolean isNew) {
            this.stored = stored;
            this.changed = isNew;
        }

        @Override
        public String getId() {
            return stored.getId();
        }

        @Override
        public String changeSessionId() {
            changed = true;
            return stored.changeSessionId();
        }

        @Override
        public <T> T getAttribute(String attributeName) {
            return stored.getAttribute(attributeName);
        }

        @Override
        public Set<String> getAttributeNames() {
            return stored.getAttributeNames();
        }

        @Override
        public void setAttribute(String attributeName, Object attributeValue) {
            changed = true;
            stored.setAttribute(attributeName, attributeValue);
        }

        @Override
        public void removeAttribute(String attributeName) {
            if (stored.getAttribute(attributeName) != null) {
                changed = true;
                stored.removeAttribute(attributeName);
            }
        }

        @Override
        public Instant getCreationTime() {
            return stored.getCreationTime();
        }

        @Override
        public void setLastAccessedTime(Instant lastAccessedTime) {
            if (changed || !lastAccessedTime.isBefore(stored.getLastAccessedTime().plus(LAST_ACCESS_RESOLUTION))) {
                changed = true;
                stored.setLastAccessedTime(lastAccessedTime);
            }
        }

        @Override
        public Instant getLastAccessedTime() {
            return stored.getLastAccessedTime();
        }

        @Override
        public void setMaxInactiveInterval(Duration interval) {
            if (!interval.equals(stored.getMaxInactiveInterval())) {
                changed = true;
                stored.setMaxInactiveInterval(interval);
            }
        }

        @Override
        public Duration getMaxInactiveInterval() {
            return stored.getMaxInactiveInterval();
        }

        @Override
        public boolean isExpired() {
            return stored.isExpired();
        }
    }
}
