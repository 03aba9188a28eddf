package org.text2image.server.account;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code text2image.accounts.*}.
 *
 * @param signupCredits credits every new account gets (default 20)
 * @param adminEmail when set, an ADMIN account with this email is created on start if missing
 * @param adminPassword the first admin's password (the rule of {@link PasswordRules}); required with adminEmail
 * @param emailVerification {@code off} (default: a new account can sign in at once and is mailed a
 *     welcome, generating needs no confirmed address) or {@code required} (a link is mailed at
 *     registration; generating waits until it is used); registration signs nobody in either way
 * @param linkMailsPerHour most verification or password-reset mails one account gets per hour
 *     (default 3; requests past it answer the same and send nothing)
 */
@ConfigurationProperties("text2image.accounts")
public record AccountProperties(long signupCredits, String adminEmail, String adminPassword,
                                @DefaultValue("off") EmailVerification emailVerification,
                                @DefaultValue("3") int linkMailsPerHour) {

    public AccountProperties {
        if (signupCredits < 0) {
            throw new IllegalArgumentException("text2image.accounts.signup-credits must be ≥ 0");
        }
        if (linkMailsPerHour < 1) {
            throw new IllegalArgumentException("text2image.accounts.link-mails-per-hour must be ≥ 1");
        }
    }

    /** Whether an address must be confirmed before its first generation. */
    public enum EmailVerification {
        /** No confirmation. */
        OFF,
        /** A mailed link confirms the address; generating waits for it. */
        REQUIRED
    }
}
