package org.text2image.server.account;

import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.account.AccountProperties.EmailVerification;
import org.text2image.server.account.AccountTokens.Purpose;

/**
 * Email verification ({@code text2image.accounts.email-verification}): when required, a new
 * account gets a single-use link (24 hours) and cannot generate until it is used; the link can be
 * sent again, at most {@code link-mails-per-hour} times an hour.
 */
@Service
public class EmailVerifications {

    private final AccountService accounts;
    private final AccountTokens tokens;
    private final AccountLinks links;
    private final AccountProperties properties;

    EmailVerifications(AccountService accounts, AccountTokens tokens, AccountLinks links, AccountProperties properties) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.links = links;
        this.properties = properties;
    }

    /** Whether addresses must be confirmed before generating. */
    public boolean required() {
        return properties.emailVerification() == EmailVerification.REQUIRED;
    }

    /** Whether this user must still confirm their address before generating (never when verification is off). */
    public boolean pending(SignedInUser user) {
        return required() && !accounts.emailVerified(user.id());
    }

    /** Sends the link again; false when the hourly limit was reached or nothing is pending. */
    @Transactional
    public boolean resend(SignedInUser user) {
        return pending(user) && links.verification(user);
    }

    /** The account this link was made for, if it works; the link is checked, not used. */
    public Optional<SignedInUser> check(String token) {
        return tokens.peek(Purpose.VERIFY_EMAIL, token).flatMap(accounts::find);
    }

    /**
     * Uses the link: confirms the address of the account it was made for.
     *
     * @return that account, or empty when the link does not work (used, expired, unknown)
     */
    @Transactional
    public Optional<SignedInUser> confirm(String token) {
        Optional<SignedInUser> user = tokens.use(Purpose.VERIFY_EMAIL, token).flatMap(accounts::find);
        user.ifPresent(u -> accounts.markVerified(u.id()));
        return user;
    }
}
