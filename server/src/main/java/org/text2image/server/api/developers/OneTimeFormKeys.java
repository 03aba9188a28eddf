package org.text2image.server.api.developers;

import jakarta.servlet.http.HttpSession;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * One-time keys of the Developers page's create form, so a double click, a reload or the back
 * button creates one API key, not two. The action has no idempotency key of its own, so the keys
 * live in the session, and their claims in this instance's memory and in PostgreSQL
 * ({@code api_form_key_claim}, migration V30):
 *
 * <ul>
 *   <li>{@link #issue} puts a random key into the session (one attribute per key, so two tabs'
 *       forms do not overwrite each other in Spring Session's row-per-attribute store), at most
 *       {@value #MAX_OPEN_PER_SESSION} per session.</li>
 *   <li>{@link #once} runs the action for the first post of a key: the key must be in the session,
 *       and a claim in this instance's memory (a {@link ConcurrentHashMap#putIfAbsent}) lets only one
 *       of two posts that arrive together run it. A later post of the same key waits for the first
 *       (up to {@value #REPLAY_WAIT_SECONDS} s) and gets its result; after {@value #REMEMBERED_MINUTES}
 *       minutes, or on another instance, the key's absence from the session still refuses it.</li>
 *   <li>Before the action runs, the key is also claimed in PostgreSQL ({@code INSERT … ON CONFLICT
 *       DO NOTHING}): of two posts of one key that reach two server instances at the same moment
 *       (each finds the key in the session it loaded), only the one that inserted the row runs the
 *       action; the other gets an outcome without a result ("already sent"). Claims older than
 *       {@value #REMEMBERED_MINUTES} minutes are deleted by the next post.</li>
 *   <li>{@link #reveal} lets the page show a created key's secret once, whichever of two
 *       redirects the browser follows.</li>
 * </ul>
 */
@Component
class OneTimeFormKeys {

    /** Most open forms (keys issued, not yet posted) per session; the oldest is forgotten beyond. */
    static final int MAX_OPEN_PER_SESSION = 20;
    /** How long this instance remembers a claimed key and its result. */
    static final int REMEMBERED_MINUTES = 10;
    /** How long a repeated post waits for the first post of its key. */
    static final int REPLAY_WAIT_SECONDS = 30;
    /** What a key looks like: 22 Base64url characters (16 random bytes). */
    static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{22}");

    private static final String ATTRIBUTE_PREFIX = "developers.form-key.";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Claim> claims = new ConcurrentHashMap<>();
    private final Clock clock;
    private final JdbcClient jdbc;

    OneTimeFormKeys(Clock clock, JdbcClient jdbc) {
        this.clock = clock;
        this.jdbc = jdbc;
    }

    /** A new key for a form, remembered in {@code session}. */
    String issue(HttpSession session) {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        session.setAttribute(ATTRIBUTE_PREFIX + key, clock.millis());
        List<String> open = Collections.list(session.getAttributeNames()).stream()
                .filter(name -> name.startsWith(ATTRIBUTE_PREFIX))
                .sorted(Comparator.comparingLong(name -> session.getAttribute(name) instanceof Long issued ? issued : 0L))
                .toList();
        for (int i = 0; i < open.size() - MAX_OPEN_PER_SESSION; i++) {
            session.removeAttribute(open.get(i));
        }
        return key;
    }

    /**
     * Runs {@code action} for the first post of {@code key}, once.
     *
     * @param userId the signed-in user: a key is claimed per user, so another user's post of the
     *     same key never sees its result
     * @return {@link Outcome#first()} with the action's result; for a repeated post, the first
     *     post's result when this instance still knows it, else an outcome without a result (an
     *     unknown, malformed or already used key)
     * @throws RuntimeException what the action threw (the key is used up; the page issues a new
     *     one), also to a repeated post that waited for it
     */
    <T> Outcome<T> once(HttpSession session, long userId, String key, Supplier<T> action) {
        forgetOld();
        if (key == null || !KEY.matcher(key).matches()) {
            return new Outcome<>(false, null);
        }
        String attribute = ATTRIBUTE_PREFIX + key;
        boolean issued = session.getAttribute(attribute) != null;
        Claim claim = new Claim(clock.instant());
        String claimed = claimKey(userId, key);
        Claim earlier = claims.putIfAbsent(claimed, claim);
        if (earlier != null) {
            session.removeAttribute(attribute);
            return new Outcome<>(false, earlier.await());
        }
        if (!issued) {
            claims.remove(claimed, claim);
            return new Outcome<>(false, null);
        }
        session.removeAttribute(attribute);
        if (!claimShared(userId, key)) { // another instance runs (or ran) this key's action
            claim.result.complete(null);
            return new Outcome<>(false, null);
        }
        try {
            T result = action.get();
            claim.result.complete(result);
            return new Outcome<>(true, result);
        } catch (RuntimeException | Error e) {
            claims.remove(claimed, claim);
            releaseShared(userId, key);
            claim.result.completeExceptionally(e);
            throw e;
        }
    }

    /** Whether the secret the user made under {@code key} was already shown (only this instance knows). */
    boolean revealed(long userId, String key) {
        Claim claim = key == null ? null : claims.get(claimKey(userId, key));
        return claim != null && claim.revealed.get();
    }

    /**
     * Marks the secret the user made under {@code key} as shown.
     *
     * @return true the first time (show it), false after; true for a key this instance does not
     *     know (the post ran on another instance, whose redirect carried the secret here)
     */
    boolean reveal(long userId, String key) {
        Claim claim = key == null ? null : claims.get(claimKey(userId, key));
        return claim == null || claim.revealed.compareAndSet(false, true);
    }

    private static String claimKey(long userId, String key) {
        return userId + "/" + key;
    }

    private void forgetOld() {
        Instant oldest = clock.instant().minus(Duration.ofMinutes(REMEMBERED_MINUTES));
        claims.entrySet().removeIf(entry -> entry.getValue().claimedAt.isBefore(oldest));
        jdbc.sql("DELETE FROM api_form_key_claim WHERE claimed_at < ?").params(oldest.atOffset(ZoneOffset.UTC)).update();
    }

    /** Claims the key in PostgreSQL, for every server instance; false when it was claimed already. */
    private boolean claimShared(long userId, String key) {
        return jdbc.sql("""
                INSERT INTO api_form_key_claim (user_id, form_key, claimed_at) VALUES (?, ?, ?)
                ON CONFLICT DO NOTHING""")
                .params(userId, key, clock.instant().atOffset(ZoneOffset.UTC)).update() == 1;
    }

    /** Lets the key's claim go after its action failed (the key is used up in the session anyway). */
    private void releaseShared(long userId, String key) {
        jdbc.sql("DELETE FROM api_form_key_claim WHERE user_id = ? AND form_key = ?").params(userId, key).update();
    }

    /**
     * What a post of a form key came to.
     *
     * @param first whether this post ran the action
     * @param result the action's result; null when a repeated post cannot know it
     */
    record Outcome<T>(boolean first, T result) {
    }

    /** A key being used or used: its action's result, and whether its secret was shown. */
    private static final class Claim {

        final Instant claimedAt;
        final CompletableFuture<Object> result = new CompletableFuture<>();
        final AtomicBoolean revealed = new AtomicBoolean();

        Claim(Instant claimedAt) {
            this.claimedAt = claimedAt;
        }

        @SuppressWarnings("unchecked")
        <T> T await() {
            try {
                return (T) result.get(REPLAY_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure;
                }
                throw new IllegalStateException("The first post of the form failed", e.getCause());
            } catch (TimeoutException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }
}
