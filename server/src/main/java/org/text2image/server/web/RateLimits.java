package org.text2image.server.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.text.Normalizer;
import java.time.Duration;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.text2image.server.support.Plurals;
import org.text2image.server.web.RateLimitProperties.Limit;

/**
 * The rate limits of the form posts that cost the site (a mail, a job) or invite guessing: a
 * {@code POST} of {@code /register}, {@code /forgot-password}, a path ending in {@code /resend}
 * (the verification mail) and {@code /generate} takes a token from the client IP's bucket and,
 * where there is one, the account's or the submitted email's; when either is empty the request is
 * answered {@code 429} with {@code Retry-After} and goes no further (nothing is charged or sent).
 * It runs in the page chain after authorisation, so only requests that would be let in count.
 * Failed sign-ins have their own limits ({@link LoginThrottle}). The buckets are in PostgreSQL
 * ({@link RateLimiter#takeShared}), so the limits hold across server instances.
 *
 * <p>The client IP is {@link HttpServletRequest#getRemoteAddr()}: the proxy's address unless
 * forwarded headers from a trusted proxy are honoured ({@code server.forward-headers-strategy}).
 */
final class RateLimits extends OncePerRequestFilter {

    private final RateLimiter limiter;
    private final RateLimitProperties limits;

    RateLimits(RateLimiter limiter, RateLimitProperties limits) {
        this.limiter = limiter;
        this.limits = limits;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Duration wait = limits.enabled() && "POST".equals(request.getMethod()) ? check(request) : Duration.ZERO;
        if (wait.isZero()) {
            chain.doFilter(request, response);
        } else if (request.getRequestURI().endsWith("/support")) {
            refuse(response, wait, "You sent many support messages in a short time; we read them all.");
        } else {
            refuse(response, wait, "Too many requests of this kind from you in a short time.");
        }
    }

    private Duration check(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String ip = request.getRemoteAddr();
        return switch (path) {
            case "/register" -> limiter.takeShared("register-ip:" + ip, limits.registerPerIp());
            case "/forgot-password" -> both("reset-ip:" + ip, limits.passwordResetPerIp(),
                    emailKey("reset-email:", request.getParameter("email")), limits.passwordResetPerEmail());
            case "/generate" -> both("submit-ip:" + ip, limits.submitPerIp(),
                    accountKey("submit-account:"), limits.submitPerAccount());
            case "/support" -> both("support-ip:" + ip, limits.supportMessagePerIp(),
                    accountKey("support-account:"), limits.supportMessagePerAccount());
            default -> path.endsWith("/resend")
                    ? both("resend-ip:" + ip, limits.verificationResendPerIp(),
                            accountKey("resend-account:"), limits.verificationResendPerAccount())
                    : Duration.ZERO;
        };
    }

    /** Takes from both buckets, or from neither: a refused request uses up nothing. */
    private Duration both(String first, Limit firstLimit, String second, Limit secondLimit) {
        Duration wait = limiter.takeShared(first, firstLimit);
        if (!wait.isZero() || second == null) {
            return wait;
        }
        Duration secondWait = limiter.takeShared(second, secondLimit);
        if (!secondWait.isZero()) {
            limiter.giveBackShared(first, firstLimit);
        }
        return secondWait;
    }

    private static String accountKey(String prefix) {
        Authentication signedIn = SecurityContextHolder.getContext().getAuthentication();
        return signedIn == null || signedIn instanceof AnonymousAuthenticationToken || !signedIn.isAuthenticated()
                ? null : prefix + signedIn.getName();
    }

    /**
     * The bucket key of a submitted email: trimmed, NFC, lower case and cut to 320 characters, so
     * spellings of one address share a bucket and a long value cannot bloat the map. Null for none.
     */
    static String emailKey(String prefix, String email) {
        if (email == null || email.isBlank()) {
            return null;
        }
        String normal = Normalizer.normalize(email.strip(), Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
        return prefix + (normal.length() > 320 ? normal.substring(0, 320) : normal);
    }

    /**
     * A {@code 429} with {@code Retry-After} (whole seconds, at least 1) and a message that says
     * how long to wait; the site's error page ({@link SiteErrorController}) shows it.
     */
    static void refuse(HttpServletResponse response, Duration wait, String why) throws IOException {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        response.sendError(429, why + " Try again in " + readable(seconds) + ".");
    }

    private static String readable(long seconds) {
        if (seconds < 60) {
            return Plurals.count(seconds, "second");
        }
        return Plurals.count((seconds + 59) / 60, "minute");
    }
}
