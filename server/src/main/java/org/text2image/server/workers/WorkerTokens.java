package org.text2image.server.workers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.text2image.server.support.UserText;
import org.text2image.worker.api.WorkerApiLimits;

/**
 * Worker tokens an admin issues: {@code t2iw_} + 32 random bytes in base64url (48 characters).
 * Only the token's SHA-256 (lower-case hex) is stored; a presented token is checked with one
 * lookup on the unique index. Admin actions are logged at INFO with the admin's email until the
 * audit log exists.
 */
@Component
public class WorkerTokens {

    /** Prefix of every issued token, so a leaked one is recognisable. */
    static final String PREFIX = "t2iw_";
    private static final int MAX_TOKEN_LENGTH = 100;
    private static final Logger log = LoggerFactory.getLogger(WorkerTokens.class);

    /** A token row for the admin page; times may be null. */
    public record TokenRow(long id, String name, Instant createdAt, Instant lastUsedAt, Instant revokedAt) {
        boolean revoked() {
            return revokedAt != null;
        }
    }

    /** A newly created token: {@code token} is the only time the secret exists outside the worker. */
    public record IssuedToken(long id, String name, String token) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    WorkerTokens(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Creates a token named {@code name} (1 to {@value WorkerApiLimits#MAX_WORKER_NAME_CHARS}
     * characters after trimming).
     *
     * @throws IllegalArgumentException when the name is blank or too long, or has a control or
     *     bidi formatting character ({@link UserText#hasControlOrBidi})
     */
    public IssuedToken create(String name, long adminId, String adminEmail) {
        String trimmed = UserText.normalise(name);
        if (trimmed.isEmpty() || trimmed.length() > WorkerApiLimits.MAX_WORKER_NAME_CHARS) {
            throw new IllegalArgumentException(
                    "A token name must be 1 to " + WorkerApiLimits.MAX_WORKER_NAME_CHARS + " characters.");
        }
        if (UserText.hasControlOrBidi(trimmed)) {
            throw new IllegalArgumentException("A token name cannot contain control or text-direction characters.");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        long id = jdbc.sql("""
                INSERT INTO worker_token (name, token_hash, created_at, created_by) VALUES (?, ?, ?, ?) RETURNING id""")
                .params(trimmed, sha256(token), ts(clock.instant()), adminId).query(Long.class).single();
        log.info("Admin {} created worker token {} \"{}\"", adminEmail, id, trimmed);
        return new IssuedToken(id, trimmed, token);
    }

    /** Revokes a token; its workers get 401 from their next call. Revoking twice changes nothing. */
    public boolean revoke(long id, String adminEmail) {
        boolean revoked = jdbc.sql("UPDATE worker_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
                .params(ts(clock.instant()), id).update() == 1;
        if (revoked) {
            log.info("Admin {} revoked worker token {}", adminEmail, id);
        }
        return revoked;
    }

    /** The unrevoked token {@code presented} is, if any: one indexed lookup. */
    Optional<TokenRef> authenticate(String presented) {
        if (presented == null || !presented.startsWith(PREFIX) || presented.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT id, name FROM worker_token WHERE token_hash = ? AND revoked_at IS NULL")
                .params(sha256(presented)).query(TokenRef.class).optional();
    }

    /** An issued token as a request presents it: its id and the worker name it was issued for. */
    record TokenRef(long id, String name) {
    }

    /** Notes that a token was used, at most once a minute per token so claims stay cheap. */
    void used(long id) {
        Instant now = clock.instant();
        jdbc.sql("UPDATE worker_token SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")
                .params(ts(now), id, ts(now.minusSeconds(60))).update();
    }

    /** Every token, newest first (at most 500). */
    public List<TokenRow> list() {
        return jdbc.sql("""
                SELECT id, name, created_at, last_used_at, revoked_at FROM worker_token ORDER BY id DESC LIMIT 500""")
                .query((rs, n) -> new TokenRow(rs.getLong("id"), rs.getString("name"),
                        instant(rs.getObject("created_at", OffsetDateTime.class)),
                        instant(rs.getObject("last_used_at", OffsetDateTime.class)),
                        instant(rs.getObject("revoked_at", OffsetDateTime.class)))).list();
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    static OffsetDateTime ts(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
