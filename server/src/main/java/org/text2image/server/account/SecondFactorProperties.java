package org.text2image.server.account;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code text2image.security.admin-2fa}: whether ADMIN accounts must sign in with a second factor.
 *
 * @param admin2fa {@code off} (default) or {@code required}: an admin without a second factor is
 *     sent to enrolment (TOTP app and recovery codes) after signing in, and an admin with one must
 *     enter a code before any other page works ({@link AdminSecondFactor})
 */
@ConfigurationProperties("text2image.security")
public record SecondFactorProperties(@DefaultValue("off") Admin2fa admin2fa) {

    /** Whether the second factor is required. */
    public boolean required() {
        return admin2fa == Admin2fa.REQUIRED;
    }

    /** The setting's values. */
    public enum Admin2fa {
        /** Admins sign in with their password only. */
        OFF,
        /** Admins need a TOTP code (or a recovery code) after their password. */
        REQUIRED
    }
}
