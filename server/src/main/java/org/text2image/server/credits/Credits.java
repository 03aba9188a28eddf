package org.text2image.server.credits;

import org.text2image.server.support.Plurals;

/**
 * How the app writes an amount of credits in words: {@code "1 credit"}, {@code "20 credits"}
 * ({@link Plurals}, the app's one plural rule). The
 * one place for it: Java code calls {@link #format}, templates {@code @pageFormats.credits(…)},
 * which calls it.
 */
public final class Credits {

    private Credits() {
    }

    /** {@code "1 credit"}, {@code "0 credits"}, {@code "20 credits"} (and {@code "-1 credit"}). */
    public static String format(long amount) {
        return amount + " " + noun(amount);
    }

    /** With a word between the number and the noun: {@code format(20, "free")} is {@code "20 free credits"}. */
    public static String format(long amount, String adjective) {
        return amount + " " + adjective + " " + noun(amount);
    }

    private static String noun(long amount) {
        return Plurals.noun(amount, "credit");
    }
}
