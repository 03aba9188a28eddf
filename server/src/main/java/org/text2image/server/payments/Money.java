package org.text2image.server.payments;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;

/**
 * Amounts of money as exact integers in a currency's minor unit (paise for INR, cents for USD),
 * and their display. No floating point anywhere: {@code 49900} INR is shown as {@code ₹499.00}.
 */
public final class Money {

    /** Symbols shown before the amount; other currencies show their code and a space ({@code CHF 5.00}). */
    private static final Map<String, String> SYMBOLS = Map.of("INR", "₹", "USD", "$", "EUR", "€", "GBP", "£");

    private Money() {
    }

    /**
     * The amount with the currency's symbol, its number of decimals and thousands grouped with
     * commas (for display; the UPI link uses {@link #decimal}).
     *
     * @param amountMinor in minor units, ≥ 0
     * @param currency an ISO 4217 code Java knows
     * @return such as {@code ₹499.00}, {@code ₹1,099.00}, {@code $4.99}, {@code CHF 12.50}
     */
    public static String format(long amountMinor, String currency) {
        String symbol = SYMBOLS.getOrDefault(currency, currency + " ");
        int digits = digits(currency);
        return symbol + String.format(Locale.ROOT, "%,." + digits + "f", BigDecimal.valueOf(amountMinor, digits));
    }

    /**
     * The amount as a plain decimal with exactly the currency's minor-unit digits: {@code 49900} INR
     * → {@code 499.00}, {@code 100} INR → {@code 1.00}.
     */
    public static String decimal(long amountMinor, String currency) {
        return BigDecimal.valueOf(amountMinor, digits(currency)).toPlainString();
    }

    /** Whether Java knows the ISO 4217 code and it has a fixed number of minor-unit digits. */
    public static boolean knownCurrency(String code) {
        try {
            return code != null && code.matches("[A-Z]{3}") && Currency.getInstance(code).getDefaultFractionDigits() >= 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int digits(String currency) {
        return Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
    }
}
