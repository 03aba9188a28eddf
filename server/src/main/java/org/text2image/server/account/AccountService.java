package org.text2image.server.account;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.support.UserText;

/**
 * Accounts: registration (with the signup credit grant, in the same transaction), look-up for
 * sign-in, and the first admin from configuration.
 */
@Service
public class AccountService implements UserDetailsService {

    private static final Logger log = LoggerFactory.getLogger(AccountService.class);
    /** Shortest and longest accepted password, in characters. */
    public static final int MIN_PASSWORD = 8;
    public static final int MAX_PASSWORD = 128;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");

    private final JdbcClient jdbc;
    private final CreditLedger ledger;
    private final PasswordEncoder passwords;
    private final AccountProperties properties;
    private final Clock clock;

    AccountService(JdbcClient jdbc, CreditLedger ledger, PasswordEncoder passwords, AccountProperties properties,
                   Clock clock) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.passwords = passwords;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Creates a USER account with the signup credits.
     *
     * @throws RegistrationException for a malformed email, a password shorter than
     *     {@value #MIN_PASSWORD} or longer than {@value #MAX_PASSWORD} characters, or an email
     *     already registered (compared case-insensitively)
     */
    @Transactional
    public SignedInUser register(String email, String password) {
        return create(email, password, Role.USER);
    }

    /** The account with this id, if any. */
    @Transactional(readOnly = true)
    public Optional<SignedInUser> find(long id) {
        return jdbc.sql("SELECT id, email, password_hash, role FROM app_user WHERE id = ?").params(id)
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

    /** The account with this email (compared case-insensitively), if any. */
    @Transactional(readOnly = true)
    public Optional<SignedInUser> findByEmail(String email) {
        return jdbc.sql("SELECT id, email, password_hash, role FROM app_user WHERE lower(email) = lower(?)")
                .params(UserText.normalise(email)).query(SignedInUser.class).optional();
    }

    @Override
    @Transactional(readOnly = true)
    public SignedInUser loadUserByUsername(String email) {
        return jdbc.sql("SELECT id, email, password_hash, role FROM app_user WHERE lower(email) = lower(?)")
                .params(UserText.normalise(email)).query(SignedInUser.class).optional()
                .orElseThrow(() -> new UsernameNotFoundException("No account for that email"));
    }

    /** Creates the configured first admin if it does not exist yet. */
    @Transactional
    public void ensureFirstAdmin() {
        String email = properties.adminEmail();
        if (email == null || email.isBlank()) {
            return;
        }
        if (jdbc.sql("SELECT count(*) FROM app_user WHERE lower(email) = lower(?)").params(email.strip())
                .query(Long.class).single() == 0) {
            create(email, properties.adminPassword(), Role.ADMIN);
            log.info("Created the first admin account {}", email.strip());
        }
    }

    private SignedInUser create(String rawEmail, String password, Role role) {
        String email = UserText.normalise(rawEmail);
        Map<String, String> errors = new LinkedHashMap<>();
        if (email.length() > 254 || !EMAIL.matcher(email).matches() || UserText.hasControlOrBidi(email)) {
            errors.put("email", "Enter a valid email address.");
        }
        if (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
            errors.put("password", "Use a password of " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters.");
        }
        if (!errors.isEmpty()) {
            throw new RegistrationException(errors);
        }
        long id;
        try {
            id = jdbc.sql("""
                    INSERT INTO app_user (email, password_hash, role, created_at) VALUES (?, ?, ?, ?) RETURNING id""")
                    .params(email, passwords.encode(password), role.name(), OffsetDateTime.now(clock))
                    .query(Long.class).single();
        } catch (DuplicateKeyException e) {
            throw new RegistrationException(Map.of("email", "An account with this email already exists. Sign in instead."));
        }
        ledger.openAccount(id, properties.signupCredits());
        return new SignedInUser(id, email, null, role);
    }
}
