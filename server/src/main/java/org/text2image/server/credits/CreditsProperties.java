package org.text2image.server.credits;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code text2image.credits.*}: every credits setting, in one record (docs/CONFIGURATION.md,
 * "Credits").
 *
 * @param expiryInterval pause between two runs of the {@code credit-expiry} task, which moves out
 *     the credits of lots past their expiry (default 1 min); holds and releases expire due lots
 *     themselves, so this only decides how soon an idle balance shows it
 * @param lowBalanceThreshold credits (default 5): a user whose available balance is below it sees
 *     a banner, and gets one mail each time the balance falls below it; 0 turns both off
 */
@ConfigurationProperties("text2image.credits")
public record CreditsProperties(@DefaultValue("1m") Duration expiryInterval,
                                @DefaultValue("5") long lowBalanceThreshold) {

    /** @throws IllegalArgumentException for a non-positive expiry interval or a negative threshold */
    public CreditsProperties {
        if (!expiryInterval.isPositive()) {
            throw new IllegalArgumentException("text2image.credits.expiry-interval must be positive, was "
                    + expiryInterval);
        }
        if (lowBalanceThreshold < 0) {
            throw new IllegalArgumentException("text2image.credits.low-balance-threshold must be 0 (no warnings) "
                    + "or more credits, was " + lowBalanceThreshold);
        }
    }
}
