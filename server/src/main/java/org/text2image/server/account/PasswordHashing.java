package org.text2image.server.account;

import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * How passwords are hashed: Argon2id with OWASP's minimum parameters (Password Storage Cheat Sheet:
 * m = 19 MiB, t = 2, p = 1), 16-byte salt, 32-byte hash, through Spring Security's
 * {@link Argon2PasswordEncoder} (Bouncy Castle). Hashes are stored with their scheme in front
 * ({@code {argon2}$argon2id$v=19$m=19456,t=2,p=1$…}), so older ones still verify: {@code {bcrypt}}
 * hashes from before are checked with BCrypt and replaced by an Argon2id hash at the next successful
 * sign-in ({@link AccountService#updatePassword}), and so is an Argon2id hash made with weaker
 * parameters. At most one hash per core runs at once ({@link BoundedPasswordEncoder}), which bounds
 * the memory hashing takes to 19 MiB per core whatever the number of simultaneous sign-ins.
 */
@Configuration(proxyBeanMethods = false)
class PasswordHashing {

    /** Argon2id memory cost in KiB (19 MiB). */
    static final int MEMORY_KIB = 19 * 1024;
    /** Argon2id passes over the memory. */
    static final int ITERATIONS = 2;
    static final String ARGON2 = "argon2";

    /** At most this many hashes run at once: one per core, at least 2 ({@link BoundedPasswordEncoder}). */
    static int concurrentHashes() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        Argon2PasswordEncoder argon2 = new Argon2PasswordEncoder(16, 32, 1, MEMORY_KIB, ITERATIONS);
        return BoundedPasswordEncoder.of(
                new DelegatingPasswordEncoder(ARGON2, Map.of(ARGON2, argon2, "bcrypt", new BCryptPasswordEncoder())),
                concurrentHashes());
    }
}
