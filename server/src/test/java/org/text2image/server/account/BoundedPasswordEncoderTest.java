package org.text2image.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.password.PasswordEncoder;

/** A burst of sign-ins hashes at most the permitted number of passwords at once, and every one is answered. */
class BoundedPasswordEncoderTest {

    @Test
    void twentySimultaneousChecksRunAtMostTwoAtOnceAndAllAreAnswered() throws Exception {
        SlowEncoder slow = new SlowEncoder();
        PasswordEncoder bounded = BoundedPasswordEncoder.of(slow, 2);
        List<Future<Boolean>> answers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                String password = i % 2 == 0 ? "right" : "wrong";
                answers.add(threads.submit(() -> bounded.matches(password, "hash-of-right")));
            }
        }

        assertThat(slow.mostAtOnce.get()).isEqualTo(2);
        assertThat(answers.stream().filter(answer -> answer.resultNow()).count()).isEqualTo(10);
        assertThat(bounded.encode("right")).isEqualTo("hash-of-right");
    }

    /** Takes 20 ms per hash and records how many ran at the same moment. */
    private static final class SlowEncoder implements PasswordEncoder {

        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();

        @Override
        public String encode(CharSequence rawPassword) {
            return work(() -> "hash-of-" + rawPassword);
        }

        @Override
        public boolean matches(CharSequence rawPassword, String encodedPassword) {
            return work(() -> encodedPassword.equals("hash-of-" + rawPassword));
        }

        private <T> T work(java.util.function.Supplier<T> result) {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(20);
                return result.get();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                running.decrementAndGet();
            }
        }
    }
}
