package org.text2image.server.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.account.AccountDirectory;
import org.text2image.server.support.UserText;

/**
 * The users' API keys: create (the key is shown once and only its SHA-256 is stored), list,
 * revoke, and authenticate a request's bearer key. A key is {@code t2i_} followed by 43 Base64url
 * characters (32 bytes from {@link SecureRandom}); with 256 random bits a plain SHA-256 resists
 * guessing as well as a slow password hash would, and costs one hash per request.
 */
@Service
public class ApiKeys {

    /** Most keys a user may have that are not revoked. */
    public static final int MAX_ACTIVE_KEYS = 10;
    /** Longest key name, in characters. */
    public static final int MAX_NAME_LENGTH = 60;
    /** What every key starts with. */
    public static final String KEY_PREFIX = "t2i_";
    /** Characters of the key kept to tell keys apart ({@code t2i_} and 8 more). */
    static final int SHOWN_PREFIX_LENGTH = 12;
    /** A key's last-used time and IP are written at most this often. */
    static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    /** The first key of the advisory lock that serialises one user's key creations. */
    private static final int ADVISORY_LOCK_SPACE = 0x61706b79; // "apky"
    private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, name, prefix, scopes, callback_url, created_at, revoked_at, last_used_at, "
            + "last_used_ip";

    private final JdbcClient jdbc;
    private final AccountDirectory accounts;
    private final Clock clock;

    ApiKeys(JdbcClient jdbc, AccountDirectory accounts, Clock clock) {
        this.jdbc = jdbc;
        this.accounts = accounts;
        this.clock = clock;
    }

    /**
     * Creates a key for the user.
     *
     * @param name the user's label; trimmed, 1 … {@value #MAX_NAME_LENGTH} characters, no control characters
     * @param scopes at least one
     * @return the key, with the secret that is never shown again
     * @throws InvalidApiKeyRequestException for a bad name, no scope, or when the user already has
     *     {@value #MAX_ACTIVE_KEYS} keys that are not revoked
     */
    @Transactional
    public NewApiKey create(long userId, String name, Set<ApiScope> scopes) {
        String label = name == null ? "" : UserText.normalise(name).strip();
        Map<String, String> errors = new LinkedHashMap<>();
        if (label.isEmpty() || !UserText.hasVisibleCharacter(label)) {
            errors.put("name", "Give the key a name, such as the tool that will use it.");
        } else if (label.codePointCount(0, label.length()) > MAX_NAME_LENGTH) {
            errors.put("name", "A key name has at most " + MAX_NAME_LENGTH + " characters.");
        } else if (UserText.hasControlOrBidi(label)) {
            errors.put("name", "A key name cannot contain control characters.");
        }
        if (scopes == null || scopes.isEmpty()) {
            errors.put("scopes", "Pick at least one scope: generate, read, or both.");
        }
        if (!errors.isEmpty()) {
            throw new InvalidApiKeyRequestException(errors);
        }
        // Serialise a user's creations, so two at once cannot both pass the limit.
        jdbc.sql("SELECT pg_advisory_xact_lock(?, ?)").params(ADVISORY_LOCK_SPACE, (int) userId)
                .query((rs, n) -> 1).single();
        long active = jdbc.sql("SELECT count(*) FROM api_key WHERE user_id = ? AND revoked_at IS NULL")
                .param(userId).query(Long.class).single();
        if (active >= MAX_ACTIVE_KEYS) {
            throw new InvalidApiKeyRequestException(Map.of("name", "You have " + MAX_ACTIVE_KEYS
                    + " keys, the most there may be. Revoke one you no longer use first."));
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Instant now = now();
        String[] scopeKeys = EnumSet.copyOf(scopes).stream().map(ApiScope::key).toArray(String[]::new);
        long id = jdbc.sql("""
                        INSERT INTO api_key (user_id, name, prefix, secret_hash, scopes, created_at)
                        VALUES (?, ?, ?, ?, ?, ?) RETURNING id""")
                .params(userId, label, secret.substring(0, SHOWN_PREFIX_LENGTH), sha256(secret), scopeKeys,
                        Timestamp.from(now))
                .query(Long.class).single();
        log.info("API key {} ({}) created for user {} with scopes {}", id, secret.substring(0, SHOWN_PREFIX_LENGTH),
                userId, String.join(",", scopeKeys));
        return new NewApiKey(find(userId, id).orElseThrow(), secret);
    }

    /** The user's keys, revoked ones too, newest first. */
    @Transactional(readOnly = true)
    public List<ApiKey> list(long userId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_key WHERE user_id = ? ORDER BY created_at DESC, id DESC")
                .param(userId).query(ApiKeys::key).list();
    }

    /** One of the user's keys; empty for another user's key or an unknown id. */
    @Transactional(readOnly = true)
    public Optional<ApiKey> find(long userId, long keyId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_key WHERE user_id = ? AND id = ?")
                .params(userId, keyId).query(ApiKeys::key).optional();
    }

    /**
     * Revokes one of the user's keys: it authenticates nothing from now on. Jobs it submitted run
     * on, but their webhooks are no longer sent (pending deliveries are given up).
     *
     * @return false when the key is not the user's or was already revoked (nothing changed)
     */
    @Transactional
    public boolean revoke(long userId, long keyId) {
        boolean revoked = jdbc.sql("UPDATE api_key SET revoked_at = ? WHERE user_id = ? AND id = ? AND revoked_at IS NULL")
                .params(Timestamp.from(now()), userId, keyId).update() == 1;
        if (revoked) {
            log.info("API key {} of user {} revoked", keyId, userId);
        }
        return revoked;
    }

    /**
     * Forgets the user's API access because the account is being deleted: every key is revoked,
     * every webhook (callback URL, signing secret and delivery log) and last-use IP removed, and the user's Idempotency-Keys
     * dropped. The key rows stay, anonymous, for the jobs that point at them.
     *
     * @return how many keys were revoked by this call
     */
    @Transactional
    public int forget(long userId) {
        int revoked = jdbc.sql("UPDATE api_key SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL")
                .params(Timestamp.from(now()), userId).update();
        jdbc.sql("UPDATE api_key SET callback_url = NULL, webhook_secret = NULL, last_used_ip = NULL WHERE user_id = ?")
                .param(userId).update();
        jdbc.sql("DELETE FROM api_idempotency WHERE user_id = ?").param(userId).update();
        // the payloads name the prompts, which the deletion removes
        jdbc.sql("DELETE FROM webhook_delivery WHERE key_id IN (SELECT id FROM api_key WHERE user_id = ?)")
                .param(userId).update();
        return revoked;
    }

    /**
     * The caller a bearer key stands for: a key that exists, is not revoked, and whose owner's
     * account is neither disabled nor deleted. Records the key's last use (time and {@code clientIp})
     * at most once per {@link #LAST_USED_RESOLUTION}.
     *
     * @param secret the bearer token as sent; anything else than a well-formed key is simply not found
     * @param clientIp the request's client address, cut to 64 characters
     */
    @Transactional
    public Optional<ApiCaller> authenticate(String secret, String clientIp) {
        if (secret == null || !secret.startsWith(KEY_PREFIX) || secret.length() != KEY_PREFIX.length() + 43) {
            return Optional.empty();
        }
        Optional<ApiCaller> caller = jdbc.sql(
                        "SELECT id, user_id, scopes FROM api_key WHERE secret_hash = ? AND revoked_at IS NULL")
                .param(sha256(secret))
                .query((rs, n) -> new KeyRow(rs.getLong("id"), rs.getLong("user_id"), scopes(rs.getArray("scopes"))))
                .optional()
                .flatMap(key -> accounts.find(key.userId()).filter(account -> !account.deleted() && !account.disabled())
                        .map(account -> new ApiCaller(key.userId(), account.email(), key.id(), key.scopes())));
        caller.ifPresent(c -> {
            Instant now = now();
            String ip = clientIp == null ? null : clientIp.substring(0, Math.min(clientIp.length(), 64));
            jdbc.sql("""
                            UPDATE api_key SET last_used_at = ?, last_used_ip = ?
                            WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ? OR last_used_ip IS DISTINCT FROM ?)""")
                    .params(Timestamp.from(now), ip, c.keyId(), Timestamp.from(now.minus(LAST_USED_RESOLUTION)), ip)
                    .update();
        });
        return caller;
    }

    private record KeyRow(long id, long userId, Set<ApiScope> scopes) {
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static ApiKey key(ResultSet rs, int row) throws SQLException {
        return new ApiKey(rs.getLong("id"), rs.getString("name"), rs.getString("prefix"), scopes(rs.getArray("scopes")),
                rs.getString("callback_url"), instant(rs, "created_at"), instant(rs, "revoked_at"),
                instant(rs, "last_used_at"), rs.getString("last_used_ip"));
    }

    private static Set<ApiScope> scopes(Array array) throws SQLException {
        Set<ApiScope> scopes = EnumSet.noneOf(ApiScope.class);
        for (Object key : (Object[]) array.getArray()) {
            ApiScope.parse((String) key).ifPresent(scopes::add);
        }
        return scopes;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** SHA-256 of the key's UTF-8 bytes (FIPS 180-4), 32 bytes. */
    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
