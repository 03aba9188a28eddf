package org.text2image.server.account;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The single-use tokens of mailed links ({@code account_token}): 32 random bytes from
 * {@link SecureRandom}, sent as 43 characters of Base64url, stored only as their SHA-256, so
 * neither a database reader nor a guesser can make a working link. A token has one purpose, one
 * account, an expiry, and works once.
 */
@Component
class AccountTokens {

    /** What a link is for. */
    enum Purpose { VERIFY_EMAIL, RESET_PASSWORD }

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");
    private final SecureRandom random = new SecureRandom();
    private final JdbcClient jdbc;
    private final Clock clock;

    AccountTokens(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Makes a token for this account, valid for {@code validity}; returns it (never stored as such). */
    @Transactional(propagation = Propagation.MANDATORY)
    String issue(long userId, Purpose purpose, Duration validity) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        OffsetDateTime now = OffsetDateTime.now(clock);
        jdbc.sql("INSERT INTO account_token (token_hash, user_id, purpose, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")
                .params(hash(token), userId, purpose.name(), now, now.plus(validity)).update();
        return token;
    }

    /** The account a token of this purpose opens now (unused, unexpired), without using it. */
    @Transactional(readOnly = true)
    public Optional<Long> peek(Purpose purpose, String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        return jdbc.sql("""
                SELECT user_id FROM account_token
                WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?""")
                .params(hash(token), purpose.name(), OffsetDateTime.now(clock)).query(Long.class).optional();
    }

    /**
     * Uses a token: the account it opens, once; with it, every other unused token of the same
     * account and purpose stops working too (an older link in the mailbox must not open it again).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    Optional<Long> use(Purpose purpose, String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        Optional<Long> user = jdbc.sql("""
                UPDATE account_token SET used_at = ?
                WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id""")
                .params(now, hash(token), purpose.name(), now).query(Long.class).optional();
        user.ifPresent(id -> jdbc.sql("UPDATE account_token SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL")
                .params(now, id, purpose.name()).update());
        return user;
    }

    /** How many tokens of this purpose the account got within the last {@code window}. */
    @Transactional(propagation = Propagation.MANDATORY)
    long issuedWithin(long userId, Purpose purpose, Duration window) {
        return jdbc.sql("SELECT count(*) FROM account_token WHERE user_id = ? AND purpose = ? AND created_at > ?")
                .params(userId, purpose.name(), OffsetDateTime.now(clock).minus(window)).query(Long.class).single();
    }

    private static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
