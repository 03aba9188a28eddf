package org.text2image.server.account;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The rule for a new password (registration, reset, change): {@value #MIN_LENGTH} to
 * {@value #MAX_LENGTH} characters counted as Unicode code points (an emoji or an accented letter is
 * one character, whatever its bytes: the hash, Argon2id, has no length limit), not only white space
 * or invisible characters, and not one of the most common passwords (compared case-insensitively
 * with {@code account/common-passwords.txt}; its source is in {@code common-passwords.NOTICE.txt}
 * beside it). Passwords are hashed as typed: no trimming, no normalisation.
 */
@Component
public class PasswordRules {

    /** Shortest accepted password, in code points. */
    public static final int MIN_LENGTH = 12;
    /** Longest accepted password, in code points. */
    public static final int MAX_LENGTH = 128;
    static final String LIST = "account/common-passwords.txt";

    private final Set<String> common;

    PasswordRules() {
        this.common = load();
    }

    /**
     * Why this password cannot be used, if it cannot.
     *
     * @param password as typed; null counts as empty
     * @return the message to show beside the password field, or empty when the password is fine
     */
    public Optional<String> problem(String password) {
        String typed = password == null ? "" : password;
        int length = typed.codePointCount(0, typed.length());
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            return Optional.of("Use a password of " + MIN_LENGTH + " to " + MAX_LENGTH + " characters.");
        }
        if (typed.codePoints().allMatch(PasswordRules::blank)) {
            return Optional.of("A password cannot be only spaces.");
        }
        if (common.contains(typed.toLowerCase(Locale.ROOT))) {
            return Optional.of("This password is on a list of common passwords. Choose another.");
        }
        return Optional.empty();
    }

    /** White space, a space of any width (U+00A0, U+2007) or an invisible format character (U+200B). */
    private static boolean blank(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint)
                || Character.getType(codePoint) == Character.FORMAT;
    }

    private static Set<String> load() {
        InputStream in = PasswordRules.class.getClassLoader().getResourceAsStream(LIST);
        if (in == null) {
            throw new IllegalStateException("The common password list " + LIST + " is missing from the class path");
        }
        Set<String> passwords = new HashSet<>(65_536);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            lines.lines().filter(line -> !line.isEmpty()).forEach(line -> passwords.add(line.toLowerCase(Locale.ROOT)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(passwords);
    }
}
