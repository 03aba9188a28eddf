package org.text2image.server.web;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.text2image.server.web.RateLimitProperties.Limit;

/**
 * Token buckets in PostgreSQL ({@code rate_limit_bucket}, migration V30), shared by every server
 * instance: one row per key, holding its tokens at {@code updated_at}. A bucket of
 * {@link Limit#count()} tokens refills evenly over {@link Limit#per()} ("greedy" refill, as
 * Bucket4j's {@code refillGreedy}); a take computes the tokens now and takes one in one statement
 * ({@code INSERT … ON CONFLICT DO UPDATE … WHERE}), which locks the row, so racing takes on any
 * instances never take more than the bucket holds. Time is the injected {@link Clock}; a clock
 * behind the row's time counts as no time passed. One round trip per take: used for requests that
 * cost the site something, not for every API call ({@link RateLimiter}).
 */
@Component
class SharedBuckets {

    /** Longest key stored; a longer one is cut (email keys are cut to 320 characters before). */
    static final int MAX_KEY_LENGTH = 400;

    private final JdbcClient jdbc;
    private final Clock clock;

    SharedBuckets(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Takes one token from the key's bucket.
     *
     * @return {@link Duration#ZERO} when taken; otherwise how long until one is back (nothing taken)
     */
    Duration take(String key, Limit limit) {
        String bucket = cut(key);
        OffsetDateTime now = OffsetDateTime.now(clock);
        double rate = rate(limit);
        Optional<Double> left = jdbc.sql("""
                INSERT INTO rate_limit_bucket AS b (bucket_key, tokens, updated_at, full_at)
                VALUES (:key, :count - 1, :now, :now + make_interval(secs => 1 / :rate))
                ON CONFLICT (bucket_key) DO UPDATE
                SET tokens = least(:count, b.tokens + greatest(0, extract(epoch FROM :now - b.updated_at)) * :rate) - 1,
                    updated_at = greatest(b.updated_at, :now),
                    full_at = greatest(b.updated_at, :now) + make_interval(secs => (:count - (least(:count,
                        b.tokens + greatest(0, extract(epoch FROM :now - b.updated_at)) * :rate) - 1)) / :rate)
                WHERE least(:count, b.tokens + greatest(0, extract(epoch FROM :now - b.updated_at)) * :rate) >= 1
                RETURNING tokens""")
                .param("key", bucket).param("count", (double) limit.count()).param("now", now).param("rate", rate)
                .query(Double.class).optional();
        if (left.isPresent()) {
            return Duration.ZERO;
        }
        double seconds = jdbc.sql("""
                SELECT greatest(0, 1 - least(:count, tokens + greatest(0, extract(epoch FROM :now - updated_at)) * :rate)) / :rate
                FROM rate_limit_bucket WHERE bucket_key = :key""")
                .param("key", bucket).param("count", (double) limit.count()).param("now", now).param("rate", rate)
                .query(Double.class).optional().orElse(0.0);
        return Duration.ofNanos(Math.max(1_000_000L, (long) Math.ceil(seconds * 1e9)));
    }

    /** Gives back a token taken by {@link #take}; never above the bucket's size. */
    void giveBack(String key, Limit limit) {
        jdbc.sql("""
                UPDATE rate_limit_bucket SET tokens = least(:count, tokens + 1),
                    full_at = greatest(updated_at, full_at - make_interval(secs => 1 / :rate))
                WHERE bucket_key = :key""")
                .param("key", cut(key)).param("count", (double) limit.count()).param("rate", rate(limit)).update();
    }

    /** Deletes the buckets that are full again (the same as no bucket). @return buckets deleted */
    int forgetFull() {
        return jdbc.sql("DELETE FROM rate_limit_bucket WHERE full_at <= :now")
                .param("now", OffsetDateTime.now(clock)).update();
    }

    /** Deletes every bucket (all clients start with full buckets). */
    void clear() {
        jdbc.sql("DELETE FROM rate_limit_bucket").update();
    }

    /** Tokens per second. */
    private static double rate(Limit limit) {
        return limit.count() / (limit.per().toNanos() / 1e9);
    }

    private static String cut(String key) {
        return key.length() > MAX_KEY_LENGTH ? key.substring(0, MAX_KEY_LENGTH) : key;
    }
}
