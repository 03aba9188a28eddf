package org.text2image.server.account;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords as authenticator apps make them (RFC 6238, TOTP, on RFC 4226,
 * HOTP): HMAC-SHA1 of the number of 30-second steps since the Unix epoch, dynamically truncated
 * to 6 decimal digits. A code is accepted for the current step and one step either side (clock
 * drift between phone and server), as RFC 6238 section 5.2 suggests.
 */
public final class Totp {

    /** Length of a step, in seconds (RFC 6238's default X). */
    public static final long STEP_SECONDS = 30;
    /** Digits in a code. */
    public static final int DIGITS = 6;

    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private Totp() {
    }

    /** The step an instant falls in: whole {@value #STEP_SECONDS}-second periods since the epoch. */
    public static long step(Instant instant) {
        return Math.floorDiv(instant.getEpochSecond(), STEP_SECONDS);
    }

    /**
     * The code of one step (RFC 4226 section 5.3: HMAC-SHA1 over the 8-byte big-endian counter,
     * dynamic truncation to 31 bits, modulo 10^digits, zero-padded).
     *
     * @param key the shared secret's bytes
     * @param digits 6 for authenticator apps; 8 for the RFC's test vectors
     */
    public static String code(byte[] key, long step, int digits) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = hash[hash.length - 1] & 0x0f;
            int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                    | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
            long modulus = (long) Math.pow(10, digits);
            return String.format("%0" + digits + "d", binary % modulus);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every Java runtime", e);
        }
    }

    /**
     * The step whose {@value #DIGITS}-digit code {@code code} is, among the step of {@code now} and
     * the steps either side; empty when it is none of them (or not 6 digits).
     */
    public static OptionalLong matchingStep(byte[] key, String code, Instant now) {
        if (code == null || !code.matches("\\d{" + DIGITS + "}")) {
            return OptionalLong.empty();
        }
        long current = step(now);
        for (long step = current - 1; step <= current + 1; step++) {
            if (MessageDigest.isEqual(code(key, step, DIGITS).getBytes(), code.getBytes())) {
                return OptionalLong.of(step);
            }
        }
        return OptionalLong.empty();
    }

    /** Base32 without padding (RFC 4648 section 6), as {@code otpauth://} URIs carry the secret. */
    public static String base32(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }
}
