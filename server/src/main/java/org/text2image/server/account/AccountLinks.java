package org.text2image.server.account;

import java.time.Duration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.account.AccountTokens.Purpose;
import org.text2image.server.support.SiteProperties;

/**
 * The mails about an account, with their single-use links: each is published as an
 * {@link AccountMail} in the caller's transaction (the notifications module puts it in the outbox).
 * Links that open something (confirm an address, reset a password) are limited to
 * {@code text2image.accounts.link-mails-per-hour} per account and purpose: past that, nothing is
 * sent, so nobody can flood a mailbox through the forms.
 */
@Component
class AccountLinks {

    /** How long a password reset link works. */
    static final Duration RESET_VALIDITY = Duration.ofHours(1);
    /** How long an email confirmation link works. */
    static final Duration VERIFY_VALIDITY = Duration.ofHours(24);
    private static final Duration LIMIT_WINDOW = Duration.ofHours(1);

    private final AccountTokens tokens;
    private final ApplicationEventPublisher events;
    private final SiteProperties site;
    private final AccountProperties properties;

    AccountLinks(AccountTokens tokens, ApplicationEventPublisher events, SiteProperties site, AccountProperties properties) {
        this.tokens = tokens;
        this.events = events;
        this.site = site;
        this.properties = properties;
    }

    /** Mails the link that confirms the account's address; false when the hourly limit was reached. */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean verification(SignedInUser user) {
        if (limitReached(user, Purpose.VERIFY_EMAIL)) {
            return false;
        }
        String link = site.link("/verify-email?token=" + tokens.issue(user.id(), Purpose.VERIFY_EMAIL, VERIFY_VALIDITY));
        send(user, "Confirm your Text2Image email address", """
                Hello,

                Please confirm that this is your address by opening this link (it works once, for 24 hours):
                %s

                If you did not create a Text2Image account, ignore this mail.
                """.formatted(link));
        return true;
    }

    /** Mails a password reset link; false when the hourly limit was reached. */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean reset(SignedInUser user) {
        if (limitReached(user, Purpose.RESET_PASSWORD)) {
            return false;
        }
        send(user, "Reset your Text2Image password", """
                Hello,

                Someone (hopefully you) asked to reset the password of your Text2Image account.
                Choose a new password here (the link works once, for one hour):
                %s

                If it was not you, ignore this mail: your password stays as it is.
                """.formatted(resetLink(user)));
        return true;
    }

    /**
     * Welcomes a new account that needs no confirmation: it is ready, and the owner signs in with
     * the password they chose. The registration answer itself does not say whether the address was
     * new, so this mail (or the one of {@link #registrationAttempt}) is where its owner learns it.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    void welcome(SignedInUser user, String credits) {
        send(user, "Your Text2Image account is ready", """
                Hello,

                Your Text2Image account is ready, with %s to start.
                Sign in with this address and the password you chose: %s

                If you did not create it, someone else used your address: ignore this mail, or choose
                a new password to take the account over: %s
                """.formatted(credits, site.link("/login"), site.link("/forgot-password")));
    }

    /** Tells the owner that someone tried to register with their address, with a reset link. */
    @Transactional(propagation = Propagation.MANDATORY)
    void registrationAttempt(SignedInUser user) {
        if (limitReached(user, Purpose.RESET_PASSWORD)) {
            return;
        }
        send(user, "Someone tried to sign up with your address", """
                Hello,

                Someone tried to create a Text2Image account with this address, which already has one.
                If it was you: sign in at %s
                Forgot your password? Choose a new one here (the link works once, for one hour):
                %s

                If it was not you, ignore this mail: nothing has changed.
                """.formatted(site.link("/login"), resetLink(user)));
    }

    /** Tells the owner their password was changed (by a reset or on the account page). */
    @Transactional(propagation = Propagation.MANDATORY)
    void passwordChanged(SignedInUser user) {
        send(user, "Your Text2Image password was changed", """
                Hello,

                The password of your Text2Image account was just changed, and every other signed-in
                session of the account was signed out.

                If you did not do this, choose a new password at once: %s
                """.formatted(site.link("/forgot-password")));
    }

    /** Tells an admin that a user asked for their account to be deleted. */
    @Transactional(propagation = Propagation.MANDATORY)
    void deletionRequested(SignedInUser admin, SignedInUser user, String reason) {
        send(admin, "Account deletion request", """
                Hello,

                The user %s (account %d) asked for their account to be deleted.
                Their reason: %s
                """.formatted(user.email(), user.id(), reason.isBlank() ? "(none given)" : reason));
    }

    private String resetLink(SignedInUser user) {
        return site.link("/reset-password?token=" + tokens.issue(user.id(), Purpose.RESET_PASSWORD, RESET_VALIDITY));
    }

    private boolean limitReached(SignedInUser user, Purpose purpose) {
        return tokens.issuedWithin(user.id(), purpose, LIMIT_WINDOW) >= properties.linkMailsPerHour();
    }

    private void send(SignedInUser to, String subject, String body) {
        events.publishEvent(new AccountMail(to.id(), to.email(), subject, body));
    }
}
