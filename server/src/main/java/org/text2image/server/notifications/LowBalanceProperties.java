package org.text2image.server.notifications;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The low-balance setting among {@code text2image.credits.*} (the ledger itself reads none of it).
 *
 * @param lowBalanceThreshold credits (default 5): a user whose available balance is below it sees
 *     a banner, and gets one mail each time the balance falls below it; 0 turns both off
 */
@ConfigurationProperties("text2image.credits")
public record LowBalanceProperties(@DefaultValue("5") long lowBalanceThreshold) {

    /** @throws IllegalArgumentException for a negative threshold */
    public LowBalanceProperties {
        if (lowBalanceThreshold < 0) {
            throw new IllegalArgumentException("text2image.credits.low-balance-threshold must be 0 (no warnings) "
                    + "or more credits, was " + lowBalanceThreshold);
        }
    }
}
