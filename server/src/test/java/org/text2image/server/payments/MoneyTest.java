package org.text2image.server.payments;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Prices are shown with the currency's symbol, decimals and grouping; the UPI link gets the plain decimal. */
class MoneyTest {

    @Test
    void showsPricesWithSymbolDecimalsAndGrouping() {
        assertThat(Money.format(49_900, "INR")).isEqualTo("₹499.00");
        assertThat(Money.format(109_900, "INR")).isEqualTo("₹1,099.00");
        assertThat(Money.format(499, "USD")).isEqualTo("$4.99");
        assertThat(Money.format(0, "EUR")).isEqualTo("€0.00");
        assertThat(Money.format(1_250, "CHF")).isEqualTo("CHF 12.50");
        assertThat(Money.format(1_500, "JPY")).isEqualTo("JPY 1,500");
    }

    @Test
    void theDecimalForLinksHasNoGrouping() {
        assertThat(Money.decimal(109_900, "INR")).isEqualTo("1099.00");
        assertThat(Money.decimal(100, "INR")).isEqualTo("1.00");
    }
}
