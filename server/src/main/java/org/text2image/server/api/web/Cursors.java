package org.text2image.server.api.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.text2image.server.support.InvalidInputException;

/**
 * The opaque {@code cursor} of the API's list endpoints: unpadded Base64url of
 * {@code "j:<created_at epoch µs>:<job id>"} (jobs) or {@code "l:<ledger entry id>"} (credit
 * history). Clients pass back what a page's {@code next_cursor} gave; anything else is refused.
 */
final class Cursors {

    private Cursors() {
    }

    /** A job page position. */
    record JobPosition(Instant createdAt, UUID id) {
    }

    static String job(Instant createdAt, UUID id) {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt);
        return encode("j:" + micros + ":" + id);
    }

    /** @throws InvalidInputException (field {@code cursor}) for a cursor this server did not give */
    static JobPosition job(String cursor) {
        String[] parts = decode(cursor).split(":", 3);
        try {
            if (parts.length != 3 || !parts[0].equals("j")) {
                throw new IllegalArgumentException();
            }
            return new JobPosition(Instant.EPOCH.plus(Long.parseLong(parts[1]), ChronoUnit.MICROS),
                    UUID.fromString(parts[2]));
        } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
            throw invalid();
        }
    }

    static String ledger(long entryId) {
        return encode("l:" + entryId);
    }

    /** @throws InvalidInputException (field {@code cursor}) for a cursor this server did not give */
    static long ledger(String cursor) {
        String text = decode(cursor);
        try {
            if (!text.startsWith("l:")) {
                throw new IllegalArgumentException();
            }
            return Long.parseLong(text.substring(2));
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
    }

    private static String encode(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        if (cursor.length() > 200) {
            throw invalid();
        }
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
    }

    private static InvalidInputException invalid() {
        return new InvalidInputException(Map.of("cursor",
                "The cursor is not one this API gave. Pass the next_cursor of the previous page, or leave it out."));
    }
}
