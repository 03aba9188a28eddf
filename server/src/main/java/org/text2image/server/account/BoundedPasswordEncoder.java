package org.text2image.server.account;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * A password encoder that lets at most {@code permits} hashes run at once; the others wait their
 * turn. Each Argon2id hash takes 19 MiB of memory ({@link PasswordHashing}): a burst of sign-ins
 * or registrations hashing all at once would need 19 MiB each at the same moment — 14 of them fill
 * the 256 MB heap of {@code ./run.sh}'s default options — while hashing more at once than there are
 * cores finishes none of them sooner.
 *
 * @param delegate the encoder that hashes and checks
 * @param turns the permits: how many hashes may run at once
 */
record BoundedPasswordEncoder(PasswordEncoder delegate, Semaphore turns) implements PasswordEncoder {

    /** An encoder that runs at most {@code permits} hashes at once, in arrival order. */
    static BoundedPasswordEncoder of(PasswordEncoder delegate, int permits) {
        return new BoundedPasswordEncoder(delegate, new Semaphore(permits, true));
    }

    @Override
    public String encode(CharSequence rawPassword) {
        return inTurn(() -> delegate.encode(rawPassword));
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encodedPassword) {
        return inTurn(() -> delegate.matches(rawPassword, encodedPassword));
    }

    @Override
    public boolean upgradeEncoding(String encodedPassword) {
        return delegate.upgradeEncoding(encodedPassword);
    }

    private <T> T inTurn(Supplier<T> hashing) {
        turns.acquireUninterruptibly();
        try {
            return hashing.get();
        } finally {
            turns.release();
        }
    }
}
