package org.text2image.server.support;

import java.text.Normalizer;

/**
 * The one place that cleans text people type: prompts, emails, names. Text is normalised to
 * Unicode NFC (so "é" typed as one or two code points is the same prompt and the same email) and
 * stripped of surrounding whitespace. A prompt must have a visible character; an email or a name
 * must not contain control or bidirectional formatting characters (U+202A–U+202E embeddings and
 * overrides, U+2066–U+2069 isolates, U+200E/U+200F marks, U+061C), which could make it look like
 * another one. Pages still show all user text inside bidi isolation ({@code dir="auto"} or
 * {@code <bdi>}), so text kept from before these rules cannot reorder the page around it.
 */
public final class UserText {

    private UserText() {
    }

    /** NFC and stripped of leading and trailing whitespace (Unicode's, not only ASCII's); "" for null. */
    public static String normalise(String text) {
        return text == null ? "" : Normalizer.normalize(text, Normalizer.Form.NFC).strip();
    }

    /**
     * Whether the text has a character that shows: not whitespace or a space separator (U+00A0,
     * U+2007, U+3000 …), not a format character (U+200B zero-width space, U+2060, bidi controls,
     * U+FEFF …), not a control character, not unassigned, and not a combining mark on its own.
     */
    public static boolean hasVisibleCharacter(String text) {
        return text != null && text.codePoints().anyMatch(UserText::visible);
    }

    /**
     * Whether the text contains a control character (C0, DEL, C1) or a bidirectional formatting
     * character, which an email or a name must not have.
     */
    public static boolean hasControlOrBidi(String text) {
        return text != null && text.codePoints().anyMatch(c -> Character.getType(c) == Character.CONTROL || isBidiControl(c));
    }

    /** U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C: the characters that change text direction. */
    static boolean isBidiControl(int c) {
        return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F || c == 0x061C;
    }

    private static boolean visible(int c) {
        if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
            return false;
        }
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.UNASSIGNED, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> false;
            default -> !isInvisibleSymbol(c);
        };
    }

    /** Letters by category that render as nothing: Hangul fillers and the braille blank. */
    private static boolean isInvisibleSymbol(int c) {
        return c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0 || c == 0x2800;
    }
}
