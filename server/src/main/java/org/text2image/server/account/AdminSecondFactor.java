package org.text2image.server.account;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.credits.AdminAuditLog;
import org.text2image.server.support.InvalidInputException;

/**
 * The admins' second factor: a TOTP secret ({@link Totp}, 20 random bytes, kept in
 * {@code admin_totp}: the server needs it to compute codes) enrolled by scanning a QR code of its
 * {@code otpauth://totp/} URI and confirming one code, and 10 single-use recovery codes (only their
 * SHA-256 is kept, in {@code admin_recovery_code}). A TOTP code is accepted once: a step at or
 * before the last accepted one is refused, so a code seen over a shoulder cannot be replayed.
 * Enrolment writes an audit row ({@link AdminAuditLog}).
 */
@Service
public class AdminSecondFactor {

    /** Recovery codes issued at enrolment. */
    public static final int RECOVERY_CODES = 10;
    private static final String ISSUER = "Text2Image";
    private static final char[] CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789".toCharArray();

    private final JdbcClient jdbc;
    private final AdminAuditLog audit;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    AdminSecondFactor(JdbcClient jdbc, AdminAuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
    }

    /** Whether the user finished enrolment. */
    @Transactional(readOnly = true)
    public boolean enrolled(long userId) {
        return jdbc.sql("SELECT enabled_at IS NOT NULL FROM admin_totp WHERE user_id = ?").params(userId)
                .query(Boolean.class).optional().orElse(false);
    }

    /**
     * The secret being enrolled, as the {@code otpauth://totp/} URI an authenticator app scans (a new
     * one is made on the first call; enrolled users get none).
     *
     * @throws IllegalStateException when the user is already enrolled
     */
    @Transactional
    public String pendingUri(SignedInUser user) {
        if (enrolled(user.id())) {
            throw new IllegalStateException("Already enrolled");
        }
        byte[] fresh = new byte[20];
        random.nextBytes(fresh);
        jdbc.sql("INSERT INTO admin_totp (user_id, secret, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                .params(user.id(), fresh, OffsetDateTime.now(clock)).update();
        byte[] secret = secret(user.id());
        String label = URLEncoder.encode(ISSUER + ":" + user.email(), StandardCharsets.UTF_8).replace("+", "%20");
        return "otpauth://totp/" + label + "?secret=" + Totp.base32(secret) + "&issuer=" + ISSUER
                + "&algorithm=SHA1&digits=" + Totp.DIGITS + "&period=" + Totp.STEP_SECONDS;
    }

    /**
     * Finishes enrolment with a code from the app.
     *
     * @return the recovery codes, shown once
     * @throws InvalidInputException under {@code code} when the code is not the current one
     */
    @Transactional
    public List<String> confirm(SignedInUser user, String code) {
        OptionalLong step = jdbc.sql("SELECT secret FROM admin_totp WHERE user_id = ? AND enabled_at IS NULL FOR UPDATE")
                .params(user.id()).query(byte[].class).optional()
                .map(secret -> Totp.matchingStep(secret, clean(code), clock.instant())).orElse(OptionalLong.empty());
        if (step.isEmpty()) {
            throw new InvalidInputException(Map.of("code",
                    "That is not the current code of the app: check the phone's time and try the newest code."));
        }
        jdbc.sql("UPDATE admin_totp SET enabled_at = ?, last_step = ? WHERE user_id = ?")
                .params(OffsetDateTime.now(clock), step.getAsLong(), user.id()).update();
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < RECOVERY_CODES; i++) {
            String recovery = recoveryCode();
            codes.add(recovery);
            jdbc.sql("INSERT INTO admin_recovery_code (user_id, code_hash) VALUES (?, ?)")
                    .params(user.id(), sha256(recovery)).update();
        }
        audit.record(user.id(), "ADMIN_SECOND_FACTOR_ON", user.id(), null, "Enrolled an authenticator app", "off",
                "on; " + RECOVERY_CODES + " recovery codes");
        return codes;
    }

    /**
     * Checks a code at sign-in: a TOTP code of the current step (±1) later than the last one used,
     * or an unused recovery code (used up by this call).
     */
    @Transactional
    public boolean verify(long userId, String code) {
        String typed = clean(code);
        byte[] secret = jdbc.sql("SELECT secret FROM admin_totp WHERE user_id = ? AND enabled_at IS NOT NULL FOR UPDATE")
                .params(userId).query(byte[].class).optional().orElse(null);
        if (secret == null || typed.isEmpty() || typed.length() > 40) {
            return false;
        }
        OptionalLong step = Totp.matchingStep(secret, typed, clock.instant());
        if (step.isPresent()) {
            return jdbc.sql("UPDATE admin_totp SET last_step = ? WHERE user_id = ? AND last_step < ?")
                    .params(step.getAsLong(), userId, step.getAsLong()).update() == 1;
        }
        return jdbc.sql("UPDATE admin_recovery_code SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL")
                .params(OffsetDateTime.now(clock), userId, sha256(typed.toLowerCase(Locale.ROOT))).update() == 1;
    }

    private byte[] secret(long userId) {
        return jdbc.sql("SELECT secret FROM admin_totp WHERE user_id = ?").params(userId).query(byte[].class).single();
    }

    /** Ten characters from an alphabet without look-alikes (about 50 bits), as {@code xxxxx-xxxxx}. */
    private String recoveryCode() {
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            if (i == 5) {
                code.append('-');
            }
            code.append(CODE_ALPHABET[random.nextInt(CODE_ALPHABET.length)]);
        }
        return code.toString();
    }

    private static String clean(String code) {
        return code == null ? "" : code.strip().replace(" ", "");
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
