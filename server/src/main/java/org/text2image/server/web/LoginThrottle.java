package org.text2image.server.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Slows failed sign-ins down, per submitted email and per client IP. Every {@code POST /login}
 * takes a token from the email's bucket and the IP's before the password is checked (so parallel
 * guesses cannot slip through together); a sign-in that succeeds gives both back, so only failures
 * use them up. With a bucket empty the attempt is answered {@code 429} with {@code Retry-After}
 * without checking the password, even a right one.
 *
 * <p>The email's bucket is keyed by the text submitted, whether or not an account has it, so the
 * answers say nothing about which accounts exist. Its refill bounds how long an attacker can keep
 * the owner out: once the failures stop, the account takes a sign-in again within
 * {@link RateLimitProperties.Limit#refillInterval()} (one minute by default), from any IP.
 *
 * <p>The buckets are in PostgreSQL ({@link RateLimiter#takeShared}): the bounds hold whichever
 * server instance each guess reaches.
 */
final class LoginThrottle extends OncePerRequestFilter {

    private final RateLimiter limiter;
    private final RateLimitProperties limits;

    LoginThrottle(RateLimiter limiter, RateLimitProperties limits) {
        this.limiter = limiter;
        this.limits = limits;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !limits.enabled() || !"POST".equals(request.getMethod())
                || !"/login".equals(request.getRequestURI().substring(request.getContextPath().length()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String ipKey = "login-ip:" + request.getRemoteAddr();
        String typed = request.getParameter("username"); // Spring Security's form field; "email" if a form renames it
        String emailKey = RateLimits.emailKey("login-email:", typed != null ? typed : request.getParameter("email"));
        Duration wait = limiter.takeShared(ipKey, limits.loginFailuresPerIp());
        if (wait.isZero() && emailKey != null) {
            wait = limiter.takeShared(emailKey, limits.loginFailuresPerAccount());
            if (!wait.isZero()) {
                limiter.giveBackShared(ipKey, limits.loginFailuresPerIp());
            }
        }
        if (!wait.isZero()) {
            RateLimits.refuse(response, wait, "Too many failed sign-ins for this account or from your network.");
            return;
        }
        chain.doFilter(request, response);
        if (signedIn()) {
            limiter.giveBackShared(ipKey, limits.loginFailuresPerIp());
            if (emailKey != null) {
                limiter.giveBackShared(emailKey, limits.loginFailuresPerAccount());
            }
        }
    }

    /** Whether the sign-in just made set an authenticated user in the security context. */
    private static boolean signedIn() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.isAuthenticated()
                && !(authentication instanceof AnonymousAuthenticationToken);
    }
}
