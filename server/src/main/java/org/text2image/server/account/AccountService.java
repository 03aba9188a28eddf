package org.text2image.server.account;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsPasswordService;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.credits.Credits;
import org.text2image.server.support.UserText;
import org.text2image.server.settings.LiveSettings;

/**
 * Accounts: registration (with the signup credit grant, in the same transaction), look-up for
 * sign-in, the upgrade of an old password hash at sign-in, and the first admin from configuration.
 */
@Service
public class AccountService implements UserDetailsService, UserDetailsPasswordService {

    private static final Logger log = LoggerFactory.getLogger(AccountService.class);
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");
    private static final String COLUMNS = "id, email, password_hash, role";

    private final JdbcClient jdbc;
    private final CreditLedger ledger;
    private final PasswordEncoder passwords;
    private final PasswordRules rules;
    private final AccountLinks links;
    private final AccountProperties properties;
    private final LiveSettings settings;
    private final Clock clock;

    AccountService(JdbcClient jdbc, CreditLedger ledger, PasswordEncoder passwords, PasswordRules rules,
                   AccountLinks links, AccountProperties properties, LiveSettings settings, Clock clock) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.passwords = passwords;
        this.rules = rules;
        this.links = links;
        this.properties = properties;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * The registration form's action. A new address gets a USER account with the signup credits
     * and one mail: its confirmation link when verification is required, otherwise a welcome that
     * says the account is ready. An address that already has an account gets nothing new: its
     * owner is mailed that someone tried to register with it, with a password reset link. Both take
     * the same work (the password is hashed and one mail written either way) and nobody is signed
     * in, so the caller can answer both alike.
     *
     * @return the new account, or empty when the address already had one
     * @throws RegistrationException for a malformed email or a password that breaks {@link PasswordRules}
     */
    @Transactional
    public Optional<SignedInUser> signUp(String email, String password) {
        String address = validated(email, password);
        Optional<SignedInUser> created = create(address, password);
        if (created.isEmpty()) {
            findByEmail(address).ifPresent(links::registrationAttempt);
        } else if (properties.emailVerification() == AccountProperties.EmailVerification.OFF) {
            links.welcome(created.get(), Credits.format(settings.current().signupCredits(), "free"));
        }
        return created;
    }

    /**
     * {@link #signUp} for callers that must tell a taken address apart (fixtures, tools): the same
     * account and confirmation link, but neither the welcome nor the "someone tried" mail, which
     * stand for the registration form's answer.
     *
     * @throws RegistrationException as {@link #signUp}, and for an address that already has an account
     */
    @Transactional
    public SignedInUser register(String email, String password) {
        return create(validated(email, password), password).orElseThrow(() -> new RegistrationException(
                Map.of("email", "An account with this email already exists.")));
    }

    /** Hashes the password and adds the account, with its credits and (when required) confirmation link; empty if taken. */
    private Optional<SignedInUser> create(String address, String password) {
        String hash = passwords.encode(password);
        Optional<SignedInUser> created = insert(address, hash, Role.USER, null);
        created.ifPresent(user -> {
            ledger.openAccount(user.id(), settings.current().signupCredits());
            if (properties.emailVerification() == AccountProperties.EmailVerification.REQUIRED) {
                links.verification(user);
            }
        });
        return created;
    }

    /** The account with this id, if any. */
    @Transactional(readOnly = true)
    public Optional<SignedInUser> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM app_user WHERE id = ?").params(id)
                .query(SignedInUser.class).optional();
    }

    /** The emails of these accounts, by id (ids without an account are left out). */
    @Transactional(readOnly = true)
    public Map<Long, String> emails(Collection<Long> ids) {
        return jdbc.sql("SELECT id, email FROM app_user WHERE id = ANY(?)")
                .params((Object) ids.stream().mapToLong(Long::longValue).toArray())
                .query((rs, n) -> Map.entry(rs.getLong("id"), rs.getString("email"))).list().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** The admins, oldest first. */
    @Transactional(readOnly = true)
    public List<SignedInUser> admins() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM app_user WHERE role = 'ADMIN' ORDER BY id")
                .query(SignedInUser.class).list();
    }

    /** The account with this email (compared case-insensitively), if any. */
    @Transactional(readOnly = true)
    public Optional<SignedInUser> findByEmail(String email) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM app_user WHERE lower(email) = lower(?)")
                .params(UserText.normalise(email)).query(SignedInUser.class).optional();
    }

    @Override
    @Transactional(readOnly = true)
    public SignedInUser loadUserByUsername(String email) {
        // A disabled account (AccountDirectory#setDisabled) cannot sign in; the answer is the same as for no account.
        return jdbc.sql("SELECT " + COLUMNS + " FROM app_user WHERE lower(email) = lower(?) AND disabled_at IS NULL")
                .params(email == null ? "" : email.strip()).query(SignedInUser.class).optional()
                .orElseThrow(() -> new UsernameNotFoundException("No account for that email"));
    }

    /**
     * Stores a new hash of the password just used to sign in: Spring Security calls this when the
     * stored hash is of an older scheme or weaker parameters ({@link PasswordHashing}).
     */
    @Override
    @Transactional
    public UserDetails updatePassword(UserDetails user, String newEncodedPassword) {
        SignedInUser signedIn = (SignedInUser) user;
        storeHash(signedIn.id(), newEncodedPassword);
        return new SignedInUser(signedIn.id(), signedIn.email(), newEncodedPassword, signedIn.role());
    }

    /** Whether the account's address was confirmed through a mailed link. */
    @Transactional(readOnly = true)
    public boolean emailVerified(long userId) {
        return jdbc.sql("SELECT email_verified_at IS NOT NULL FROM app_user WHERE id = ?").params(userId)
                .query(Boolean.class).optional().orElse(false);
    }

    /** Creates the configured first admin if it does not exist yet (its address counts as confirmed). */
    @Transactional
    public void ensureFirstAdmin() {
        String email = properties.adminEmail();
        if (email == null || email.isBlank() || findByEmail(email).isPresent()) {
            return;
        }
        String address;
        try {
            address = validated(email, properties.adminPassword());
        } catch (RegistrationException e) {
            throw new IllegalStateException("text2image.accounts.admin-email / admin-password: " + e.getMessage(), e);
        }
        SignedInUser admin = insert(address, passwords.encode(properties.adminPassword()), Role.ADMIN,
                OffsetDateTime.now(clock)).orElseThrow();
        ledger.openAccount(admin.id(), settings.current().signupCredits());
        log.info("Created the first admin account {}", address);
    }

    /** Replaces the account's password hash (the caller checked the rule and encoded it). */
    @Transactional
    void storeHash(long userId, String encodedPassword) {
        jdbc.sql("UPDATE app_user SET password_hash = ? WHERE id = ?").params(encodedPassword, userId).update();
    }

    /** Marks the account's address confirmed (a mailed link of its own was used); no change if it was. */
    @Transactional
    void markVerified(long userId) {
        jdbc.sql("UPDATE app_user SET email_verified_at = ? WHERE id = ? AND email_verified_at IS NULL")
                .params(OffsetDateTime.now(clock), userId).update();
    }

    private Optional<SignedInUser> insert(String email, String hash, Role role, OffsetDateTime verifiedAt) {
        return jdbc.sql("""
                INSERT INTO app_user (email, password_hash, role, created_at, email_verified_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING RETURNING id""")
                .params(email, hash, role.name(), OffsetDateTime.now(clock), verifiedAt).query(Long.class).optional()
                .map(id -> new SignedInUser(id, email, null, role));
    }

    /** Whether this (stripped) text has the shape of an email address of at most 254 characters. */
    public static boolean isEmailAddress(String email) {
        return email != null && email.length() <= 254 && EMAIL.matcher(email).matches();
    }

    /** The stripped address; throws with a message per field when the address or password breaks a rule. */
    private String validated(String rawEmail, String password) {
        String email = UserText.normalise(rawEmail);
        Map<String, String> errors = new LinkedHashMap<>();
        if (!isEmailAddress(email) || UserText.hasControlOrBidi(email)) {
            errors.put("email", "Enter a valid email address.");
        }
        rules.problem(password).ifPresent(problem -> errors.put("password", problem));
        if (!errors.isEmpty()) {
            throw new RegistrationException(errors);
        }
        return email;
    }
}
