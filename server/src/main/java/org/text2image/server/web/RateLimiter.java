package org.text2image.server.web;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;
import org.text2image.server.web.RateLimitProperties.Limit;

/**
 * Token buckets (Bucket4j) in this instance's memory, one per key (such as {@code "login-ip:10.0.0.7"}),
 * timed by the injected {@link Clock}. The map keeps at most
 * {@link RateLimitProperties#maxTrackedKeys()} buckets and forgets the least recently used one
 * beyond that, so a flood of new keys cannot exhaust memory (a forgotten bucket starts full again).
 */
@Component
public class RateLimiter {

    private final Map<String, Bucket> buckets;
    private final TimeMeter time;

    RateLimiter(RateLimitProperties properties, Clock clock) {
        int max = properties.maxTrackedKeys();
        this.buckets = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > max;
            }
        };
        this.time = new ClockTime(clock);
    }

    /**
     * Takes one token from the key's bucket.
     *
     * @return {@link Duration#ZERO} when taken; otherwise how long until one is back (no token was taken)
     */
    public Duration take(String key, Limit limit) {
        ConsumptionProbe probe = bucket(key, limit).tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Duration.ZERO : Duration.ofNanos(probe.getNanosToWaitForRefill());
    }

    /** Gives back a token taken by {@link #take} (a sign-in that succeeded); never above the bucket's size. */
    public void giveBack(String key, Limit limit) {
        bucket(key, limit).addTokens(1);
    }

    /** Number of buckets kept (at most {@link RateLimitProperties#maxTrackedKeys()}). */
    int size() {
        synchronized (buckets) {
            return buckets.size();
        }
    }

    /** Forgets every bucket (all clients start with full buckets). */
    public void clear() {
        synchronized (buckets) {
            buckets.clear();
        }
    }

    private Bucket bucket(String key, Limit limit) {
        synchronized (buckets) {
            return buckets.computeIfAbsent(key, k -> Bucket.builder()
                    .addLimit(l -> l.capacity(limit.count()).refillGreedy(limit.count(), limit.per()))
                    .withCustomTimePrecision(time)
                    .build());
        }
    }

    /** Bucket4j's time source from the application's clock, so tests can move time. */
    private record ClockTime(Clock clock) implements TimeMeter {

        @Override
        public long currentTimeNanos() {
            Instant now = clock.instant();
            return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    }
}
