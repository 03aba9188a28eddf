package org.text2image.server.account;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Component;

/**
 * A user's signed-in sessions, found through Spring Session's principal-name index (the sign-in
 * name is the email), for the account page and for signing out everywhere after a password change.
 */
@Component
public class UserSessions {

    private final FindByIndexNameSessionRepository<? extends Session> sessions;

    UserSessions(FindByIndexNameSessionRepository<? extends Session> sessions) {
        this.sessions = sessions;
    }

    /**
     * One signed-in session.
     *
     * @param current whether it is the session of the request asking
     */
    public record SessionInfo(Instant createdAt, Instant lastAccessedAt, boolean current) {
    }

    /** The account's sessions, most recently used first. */
    public List<SessionInfo> of(SignedInUser user, String currentSessionId) {
        return find(user).entrySet().stream()
                .map(e -> new SessionInfo(e.getValue().getCreationTime(), e.getValue().getLastAccessedTime(),
                        e.getKey().equals(currentSessionId)))
                .sorted(Comparator.comparing(SessionInfo::lastAccessedAt).reversed()).toList();
    }

    /**
     * Ends every session of the account except {@code keepSessionId} (null: all of them).
     *
     * @return how many were ended
     */
    public int endAll(SignedInUser user, String keepSessionId) {
        List<String> ids = find(user).keySet().stream().filter(id -> !id.equals(keepSessionId)).toList();
        ids.forEach(sessions::deleteById);
        return ids.size();
    }

    private Map<String, ? extends Session> find(SignedInUser user) {
        return sessions.findByIndexNameAndIndexValue(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME,
                user.email());
    }
}
