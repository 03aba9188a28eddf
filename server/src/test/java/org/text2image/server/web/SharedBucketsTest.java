package org.text2image.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.MutableClock;
import org.text2image.server.support.Races;
import org.text2image.server.web.RateLimitProperties.Limit;

/** The rate-limit buckets in PostgreSQL: the same arithmetic as the in-memory ones, and safe under races. */
@IntegrationTest
class SharedBucketsTest {

    private static final Limit FIVE_PER_MINUTE = new Limit(5, Duration.ofMinutes(1));

    @Autowired SharedBuckets buckets;
    @Autowired MutableClock clock;

    String key;

    @BeforeEach
    void setUp() {
        clock.reset();
        clock.freeze();
        buckets.clear();
        key = "test:" + UUID.randomUUID();
    }

    @AfterEach
    void resetClock() {
        clock.reset();
        buckets.clear();
    }

    @Test
    void takesTheLimitThenRefusesWithTheTimeUntilTheNextTokenWhichComesBackEvenly() {
        for (int i = 0; i < 5; i++) {
            assertThat(buckets.take(key, FIVE_PER_MINUTE)).isZero();
        }
        assertThat(buckets.take(key, FIVE_PER_MINUTE)).as("one token every 12 s")
                .isCloseTo(Duration.ofSeconds(12), Duration.ofMillis(1));

        clock.advance(Duration.ofSeconds(9));
        assertThat(buckets.take(key, FIVE_PER_MINUTE)).isCloseTo(Duration.ofSeconds(3), Duration.ofMillis(1));
        clock.advance(Duration.ofSeconds(3));
        assertThat(buckets.take(key, FIVE_PER_MINUTE)).isZero();
        assertThat(buckets.take(key, FIVE_PER_MINUTE)).isPositive();
    }

    @Test
    void aTokenGivenBackCanBeTakenAgainButTheBucketNeverHoldsMoreThanItsSize() {
        for (int i = 0; i < 5; i++) {
            buckets.take(key, FIVE_PER_MINUTE);
        }
        buckets.giveBack(key, FIVE_PER_MINUTE);
        assertThat(buckets.take(key, FIVE_PER_MINUTE)).isZero();

        clock.advance(Duration.ofHours(1));
        buckets.giveBack(key, FIVE_PER_MINUTE);
        long taken = java.util.stream.IntStream.range(0, 8).filter(i -> buckets.take(key, FIVE_PER_MINUTE).isZero()).count();
        assertThat(taken).isEqualTo(5);
    }

    @Test
    void racingTakesNeverTakeMoreThanTheBucketHolds() throws Exception {
        List<Boolean> taken = Races.race(16, () -> buckets.take(key, FIVE_PER_MINUTE).isZero());

        assertThat(taken).filteredOn(Boolean::booleanValue).hasSize(5);
    }

    @Test
    void theCleanupForgetsOnlyBucketsThatAreFullAgain() {
        String other = key + ":other";
        buckets.take(key, FIVE_PER_MINUTE);
        clock.advance(Duration.ofSeconds(6));
        for (int i = 0; i < 5; i++) {
            buckets.take(other, FIVE_PER_MINUTE);
        }
        clock.advance(Duration.ofSeconds(7)); // the first is full again after 12 s, the other after 60 s

        assertThat(buckets.forgetFull()).isEqualTo(1);
        assertThat(buckets.take(other, FIVE_PER_MINUTE)).as("the other is remembered: still empty").isPositive();
    }

    @Test
    void aVeryLongKeyIsCutNotRefused() {
        String longKey = "reset-email:" + "x".repeat(1000);

        assertThat(buckets.take(longKey, FIVE_PER_MINUTE)).isZero();
    }
}
