package org.text2image.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.text2image.server.support.MutableClock;
import org.text2image.server.web.RateLimitProperties.Limit;

/** The token buckets: refill over time by the injected clock, and a bounded number of them. */
class RateLimiterTest {

    private final MutableClock clock = new MutableClock();

    @Test
    void keepsNoMoreBucketsThanConfiguredWhateverTheNumberOfKeys() {
        RateLimiter limiter = new RateLimiter(properties(3), clock, null);
        for (int i = 0; i < 1000; i++) {
            limiter.take("ip:" + i, new Limit(1, Duration.ofMinutes(1)));
        }
        assertThat(limiter.size()).isEqualTo(3);
    }

    @Test
    void anEmptyBucketSaysHowLongToWaitAndRefillsByTheClock() {
        RateLimiter limiter = new RateLimiter(properties(10), clock, null);
        Limit twoPerMinute = new Limit(2, Duration.ofMinutes(1));
        assertThat(limiter.take("k", twoPerMinute)).isZero();
        assertThat(limiter.take("k", twoPerMinute)).isZero();

        assertThat(limiter.take("k", twoPerMinute)).isBetween(Duration.ofSeconds(29), Duration.ofSeconds(30));
        clock.advance(Duration.ofSeconds(29));
        assertThat(limiter.take("k", twoPerMinute)).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(limiter.take("k", twoPerMinute)).isZero();
    }

    @Test
    void aGivenBackTokenCanBeTakenAgainButNeverOverfillsTheBucket() {
        RateLimiter limiter = new RateLimiter(properties(10), clock, null);
        Limit one = new Limit(1, Duration.ofHours(1));
        limiter.giveBack("k", one);
        assertThat(limiter.take("k", one)).isZero();
        assertThat(limiter.take("k", one)).isPositive();
        limiter.giveBack("k", one);
        assertThat(limiter.take("k", one)).isZero();
    }

    @Test
    void refusesALimitWithoutCountOrPeriod() {
        assertThatThrownBy(() -> new Limit(0, Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limit(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    private static RateLimitProperties properties(int maxKeys) {
        return new RateLimitProperties(true, maxKeys, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
