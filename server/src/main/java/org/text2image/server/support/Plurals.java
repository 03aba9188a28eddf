package org.text2image.server.support;

import org.springframework.stereotype.Component;

/**
 * The one place that writes a count with its noun: {@code count(1, "credit")} is
 * {@code "1 credit"}, {@code count(2, "credit")} is {@code "2 credits"}, {@code count(0, "credit")}
 * is {@code "0 credits"}. English plurals: the singular for 1 and −1, the plural otherwise; the
 * plural is the singular plus "s" unless given ({@code count(3, "entry", "entries")}).
 *
 * <p>Java code calls the static methods; templates call the same through the bean
 * {@code @plurals} ({@code ${@plurals.count(n, 'image')}}).
 */
@Component("plurals")
public final class Plurals {

    /** The count and the noun, {@code "1 image"}, {@code "4 images"}. */
    public static String count(long count, String singular) {
        return count + " " + noun(count, singular);
    }

    /** The count and the noun with an irregular plural, {@code "2 entries"}. */
    public static String count(long count, String singular, String plural) {
        return count + " " + noun(count, singular, plural);
    }

    /** The noun alone, in the form {@code count} needs: {@code noun(1, "job")} is {@code "job"}. */
    public static String noun(long count, String singular) {
        return noun(count, singular, singular + "s");
    }

    /** The noun alone with an irregular plural. */
    public static String noun(long count, String singular, String plural) {
        return count == 1 || count == -1 ? singular : plural;
    }
}
