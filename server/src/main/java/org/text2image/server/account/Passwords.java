package org.text2image.server.account;

import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.task.TaskExecutor;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.AccountTokens.Purpose;

/**
 * Forgotten and changed passwords. A reset link is mailed on request, works for one hour and once
 * ({@link AccountLinks}, {@link AccountTokens}); a reset or a change stores the new hash, mails a
 * notice and ends the account's other sessions.
 */
@Service
public class Passwords {

    private static final Logger log = LoggerFactory.getLogger(Passwords.class);

    private final AccountService accounts;
    private final AccountTokens tokens;
    private final AccountLinks links;
    private final PasswordRules rules;
    private final PasswordEncoder encoder;
    private final UserSessions sessions;
    private final TransactionTemplate tx;
    private final TaskExecutor background;

    Passwords(AccountService accounts, AccountTokens tokens, AccountLinks links, PasswordRules rules,
              PasswordEncoder encoder, UserSessions sessions, TransactionTemplate tx,
              @Qualifier("applicationTaskExecutor") TaskExecutor background) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.links = links;
        this.rules = rules;
        this.encoder = encoder;
        this.sessions = sessions;
        this.tx = tx;
        this.background = background;
    }

    /**
     * Mails a reset link if the address has an account. The look-up and the mail happen on a
     * background thread, so the request that asks does the same work, and takes the same time,
     * whether or not the address has an account.
     */
    public void requestReset(String email) {
        String address = email == null ? "" : email.strip();
        background.execute(() -> {
            try {
                tx.executeWithoutResult(status -> accounts.findByEmail(address).ifPresent(links::reset));
            } catch (RuntimeException e) {
                log.warn("Could not send a password reset link", e);
            }
        });
    }

    /** Whether this reset link works now (unused, under an hour old). */
    public boolean resetLinkWorks(String token) {
        return tokens.peek(Purpose.RESET_PASSWORD, token).isPresent();
    }

    /**
     * Sets the password of the account the reset link was made for, uses the link up, confirms the
     * address (the link reached it), mails a notice and ends all the account's sessions.
     *
     * @return false when the link does not work (used, expired, unknown); nothing changed
     * @throws InvalidPasswordException when the password breaks the rule; the link still works
     */
    @Transactional
    public boolean reset(String token, String password) {
        if (!resetLinkWorks(token)) {
            return false;
        }
        checkRule(password);
        Optional<SignedInUser> user = tokens.use(Purpose.RESET_PASSWORD, token).flatMap(accounts::find);
        if (user.isEmpty()) {
            return false;
        }
        accounts.storeHash(user.get().id(), encoder.encode(password));
        accounts.markVerified(user.get().id());
        links.passwordChanged(user.get());
        sessions.endAll(user.get(), null);
        return true;
    }

    /**
     * Changes a signed-in user's password after checking the current one; mails a notice and ends
     * the account's other sessions.
     *
     * @param keepSessionId the session of the request, which stays signed in
     * @throws InvalidPasswordException when the current password is wrong or the new one breaks the rule
     */
    @Transactional
    public void change(SignedInUser user, String current, String password, String keepSessionId) {
        SignedInUser stored = accounts.find(user.id()).orElseThrow();
        if (current == null || !encoder.matches(current, stored.passwordHash())) {
            throw new InvalidPasswordException(Map.of("current", "That is not your current password."));
        }
        checkRule(password);
        accounts.storeHash(user.id(), encoder.encode(password));
        links.passwordChanged(stored);
        sessions.endAll(stored, keepSessionId);
    }

    private void checkRule(String password) {
        rules.problem(password).ifPresent(problem -> {
            throw new InvalidPasswordException(Map.of("password", problem));
        });
    }
}
