package org.text2image.server.payments;

/**
 * A credit pack of {@code config/packs.json}: what a user can buy.
 *
 * @param id short and stable ({@code [a-z0-9][a-z0-9_-]{0,31}}): stored with each payment
 * @param name shown on the Buy page (defaults to "N credits")
 * @param credits credits granted, 1–{@value Packs#MAX_CREDITS}
 * @param priceMinor the price in the currency's minor unit (paise, cents), &gt; 0: exact, never a float
 * @param currency ISO 4217 code, such as {@code INR} or {@code USD}
 * @param badge an optional label such as "Best value", or null
 */
public record Pack(String id, String name, long credits, long priceMinor, String currency, String badge) {

    /** The price as the pages show it, such as {@code ₹499.00} or {@code $4.99}. */
    public String price() {
        return Money.format(priceMinor, currency);
    }
}
