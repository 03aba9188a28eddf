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
 * Token buckets, one per key (such as {@code "login-ip:10.0.0.7"}), timed by the injected
 * {@link Clock}, of two kinds:
 *
 * <ul>
 *   <li>{@link #take}: in this instance's memory (Bucket4j), no I/O, for the hot path (every API
 *       request's per-key limit): with n server instances a client may get up to n times the limit.
 *       The map keeps at most {@link RateLimitProperties#maxTrackedKeys()} buckets and forgets the
 *       least recently used one beyond that, so a flood of new keys cannot exhaust memory (a
 *       forgotten bucket starts full again).</li>
 *   <li>{@link #takeShared}: in PostgreSQL ({@link SharedBuckets}), one round trip, the same limit
 *       whichever instance a request reaches: failed sign-ins and the posts that cost a mail or a
 *       job. The {@code rate-limit-cleanup} task deletes buckets that are full again.</li>
 * </ul>
 */
@Component
public class RateLimiter {

    private final Map<String, Bucket> buckets;
    private final TimeMeter time;
    private final SharedBuckets shared;

    RateLimiter(RateLimitProperties properties, Clock clock, SharedBuckets shared) {
        this.shared = shared;
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

    /**
     * Takes one token from the key's bucket in PostgreSQL, shared by every server instance.
     *
     * @return {@link Duration#ZERO} when taken; otherwise how long until one is back (no token was taken)
     */
    public Duration takeShared(String key, Limit limit) {
        return shared.take(key, limit);
    }

    /** Gives back a token taken by {@link #takeShared}; never above the bucket's size. */
    public void giveBackShared(String key, Limit limit) {
        shared.giveBack(key, limit);
    }

    /** Number of buckets kept (at most {@link RateLimitProperties#maxTrackedKeys()}). */
    int size() {
        synchronized (buckets) {
            return buckets.size();
        }
    }

    /** Forgets every bucket, in memory and shared (all clients start with full buckets). */
    public void clear() {
        synchronized (buckets) {
            buckets.clear();
        }
        shared.clear();
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
