package org.text2image.server.web;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code text2image.rate-limits.*}: how many requests of each kind a client IP or an account may
 * make ({@link RateLimits}). Each limit is a token bucket of {@code count} tokens that refills
 * evenly over {@code per}: a client that used them all waits {@code per / count} for the next one.
 * The buckets of every limit but {@code apiRequestsPerKey} are in PostgreSQL and hold across server
 * instances ({@link RateLimiter#takeShared}); {@code apiRequestsPerKey}'s are in each instance's
 * memory, so behind a load balancer with n instances a key may make up to n times that limit.
 * docs/SECURITY.md explains the choices.
 *
 * @param enabled off: no limit is applied (tests of other features turn it off)
 * @param maxTrackedKeys most in-memory buckets kept (API keys); beyond it the least
 *     recently used bucket is forgotten, so memory stays bounded whatever the traffic
 * @param loginFailuresPerAccount failed sign-ins per submitted email, whether or not an account
 *     has it (default 5 per 5 min: the 6th within the window gets a 429, then one try a minute)
 * @param loginFailuresPerIp failed sign-ins per client IP, for any emails (default 30 per 10 min)
 * @param registerPerIp registrations per client IP (default 10 per hour)
 * @param passwordResetPerIp password reset requests per client IP (default 10 per hour)
 * @param passwordResetPerEmail password reset requests per email (default 3 per hour)
 * @param verificationResendPerAccount verification mail resends per signed-in account (default 3 per hour)
 * @param verificationResendPerIp verification mail resends per client IP (default 10 per hour)
 * @param submitPerAccount job submissions per account (default 30 per minute)
 * @param submitPerIp job submissions per client IP (default 120 per minute)
 * @param supportMessagePerAccount support messages per account (default 10 per 10 min)
 * @param supportMessagePerIp support messages per client IP (default 30 per 10 min)
 * @param apiRequestsPerKey requests of any kind per API key (default 600 per minute); job
 *     submissions through the API also take from {@code submitPerAccount} and {@code submitPerIp}
 */
@ConfigurationProperties("text2image.rate-limits")
public record RateLimitProperties(Boolean enabled, Integer maxTrackedKeys, Limit loginFailuresPerAccount,
                                  Limit loginFailuresPerIp, Limit registerPerIp, Limit passwordResetPerIp,
                                  Limit passwordResetPerEmail, Limit verificationResendPerAccount,
                                  Limit verificationResendPerIp, Limit submitPerAccount, Limit submitPerIp,
                                  Limit supportMessagePerAccount, Limit supportMessagePerIp,
                                  Limit apiRequestsPerKey) {

    public RateLimitProperties {
        enabled = enabled == null || enabled;
        maxTrackedKeys = maxTrackedKeys == null ? 100_000 : maxTrackedKeys;
        if (maxTrackedKeys < 1) {
            throw new IllegalArgumentException("text2image.rate-limits.max-tracked-keys must be at least 1");
        }
        loginFailuresPerAccount = or(loginFailuresPerAccount, 5, Duration.ofMinutes(5));
        loginFailuresPerIp = or(loginFailuresPerIp, 30, Duration.ofMinutes(10));
        registerPerIp = or(registerPerIp, 10, Duration.ofHours(1));
        passwordResetPerIp = or(passwordResetPerIp, 10, Duration.ofHours(1));
        passwordResetPerEmail = or(passwordResetPerEmail, 3, Duration.ofHours(1));
        verificationResendPerAccount = or(verificationResendPerAccount, 3, Duration.ofHours(1));
        verificationResendPerIp = or(verificationResendPerIp, 10, Duration.ofHours(1));
        submitPerAccount = or(submitPerAccount, 30, Duration.ofMinutes(1));
        submitPerIp = or(submitPerIp, 120, Duration.ofMinutes(1));
        supportMessagePerAccount = or(supportMessagePerAccount, 10, Duration.ofMinutes(10));
        supportMessagePerIp = or(supportMessagePerIp, 30, Duration.ofMinutes(10));
        apiRequestsPerKey = or(apiRequestsPerKey, 600, Duration.ofMinutes(1));
    }

    private static Limit or(Limit given, int count, Duration per) {
        return given == null ? new Limit(count, per) : given;
    }

    /**
     * At most {@code count} requests, refilled evenly over {@code per}.
     *
     * @param count at least 1
     * @param per at least 1 s
     */
    public record Limit(int count, Duration per) {

        public Limit {
            if (count < 1 || per == null || per.toSeconds() < 1) {
                throw new IllegalArgumentException("a rate limit needs a count of at least 1 and a period of at least 1s, not "
                        + count + " per " + per);
            }
        }

        /** How long one token takes to come back: the longest a client that stopped waits. */
        public Duration refillInterval() {
            return per.dividedBy(count);
        }
    }
}
