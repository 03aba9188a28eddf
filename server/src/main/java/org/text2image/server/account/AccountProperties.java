package org.text2image.server.account;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code text2image.accounts.*}.
 *
 * @param signupCredits credits every new account gets (default 20)
 * @param adminEmail when set, an ADMIN account with this email is created on start if missing
 * @param adminPassword the first admin's password (at least 8 characters); required with adminEmail
 */
@ConfigurationProperties("text2image.accounts")
public record AccountProperties(long signupCredits, String adminEmail, String adminPassword) {

    public AccountProperties {
        if (signupCredits < 0) {
            throw new IllegalArgumentException("text2image.accounts.signup-credits must be ≥ 0");
        }
    }
}
