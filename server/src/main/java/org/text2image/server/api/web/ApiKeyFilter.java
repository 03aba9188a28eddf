package org.text2image.server.api.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.text2image.server.api.ApiCaller;
import org.text2image.server.api.ApiKeys;
import org.text2image.server.api.ApiProblems;
import org.text2image.server.api.ApiScope;
import org.text2image.server.web.RateLimitProperties;
import org.text2image.server.web.RateLimiter;

/**
 * Authenticates an API request by its {@code Authorization: Bearer <key>} header
 * ({@link ApiKeys#authenticate}), checks the key's scope for the method ({@code GET}/{@code HEAD}:
 * read; anything else: generate), and applies the rate limits: every request takes a token of the
 * key's bucket ({@code api-requests-per-key}); a job submission ({@code POST /api/v1/jobs},
 * {@code POST /v1/images/generations}) also takes from the account's and the client IP's submit
 * buckets, the same ones the Generate form uses. The key's bucket is in this instance's memory
 * (every API call takes from it: no database round trip), the submit buckets are in PostgreSQL
 * and hold across server instances ({@link RateLimiter#takeShared}); a body is capped at {@link ApiProblems#MAX_BODY_BYTES}
 * ({@link BodyLimit}). Refusals: 401 with {@code WWW-Authenticate: Bearer}, 403, 413, 429 with
 * {@code Retry-After}; nothing behind the filter runs.
 */
final class ApiKeyFilter extends OncePerRequestFilter {

    /** The paths whose POST submits a job. */
    static final List<String> SUBMIT_PATHS = List.of("/api/v1/jobs", "/v1/images/generations");

    private final ApiKeys keys;
    private final RateLimiter limiter;
    private final RateLimitProperties limits;

    ApiKeyFilter(ApiKeys keys, RateLimiter limiter, RateLimitProperties limits) {
        this.keys = keys;
        this.limiter = limiter;
        this.limits = limits;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<ApiCaller> caller = keys.authenticate(bearer(request), request.getRemoteAddr());
        if (caller.isEmpty()) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"text2image\"");
            ApiErrorWriter.write(request, response, 401, ApiProblems.UNAUTHENTICATED,
                    "Send a valid API key in the header 'Authorization: Bearer <key>'. The key may be unknown, "
                            + "revoked, or its account disabled.", "invalid_api_key");
            return;
        }
        ApiScope needed = switch (request.getMethod()) {
            case "GET", "HEAD", "OPTIONS" -> ApiScope.READ;
            default -> ApiScope.GENERATE;
        };
        if (!caller.get().may(needed)) {
            ApiErrorWriter.write(request, response, 403, ApiProblems.INSUFFICIENT_SCOPE,
                    "This API key lacks the '" + needed.key() + "' scope. Create a key with it on the Developers page.",
                    "insufficient_scope");
            return;
        }
        Duration wait = limits.enabled() ? rateLimit(request, caller.get()) : Duration.ZERO;
        if (!wait.isZero()) {
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
            ApiErrorWriter.write(request, response, 429, ApiProblems.RATE_LIMITED,
                    "Too many requests with this key or account in a short time. Try again in " + seconds + " s.",
                    "rate_limit_exceeded");
            return;
        }
        if (BodyLimit.declaredTooLarge(request, ApiProblems.MAX_BODY_BYTES)) {
            ApiErrorWriter.write(request, response, 413, ApiProblems.BODY_TOO_LARGE,
                    "The body is larger than " + ApiProblems.MAX_BODY_BYTES + " bytes.", "request_too_large");
            return;
        }
        ApiAuthentication authentication = new ApiAuthentication(caller.get());
        SecurityContextHolder.getContext().setAuthentication(authentication);
        try {
            chain.doFilter(new BodyLimit(request, ApiProblems.MAX_BODY_BYTES), response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    private Duration rateLimit(HttpServletRequest request, ApiCaller caller) {
        Duration wait = limiter.take("api-key:" + caller.keyId(), limits.apiRequestsPerKey());
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!wait.isZero() || !"POST".equals(request.getMethod()) || !SUBMIT_PATHS.contains(path)) {
            return wait;
        }
        String ipKey = "submit-ip:" + request.getRemoteAddr();
        wait = limiter.takeShared(ipKey, limits.submitPerIp()); // shared across instances: a submit costs a job
        if (!wait.isZero()) {
            return wait;
        }
        // the same account bucket as the Generate form's (keyed by the sign-in name)
        wait = limiter.takeShared("submit-account:" + caller.email(), limits.submitPerAccount());
        if (!wait.isZero()) {
            limiter.giveBackShared(ipKey, limits.submitPerIp());
        }
        return wait;
    }

    /** The token of an {@code Authorization: Bearer <token>} header (scheme in any case); null without one. */
    static String bearer(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).strip();
    }

    /** The authentication of an API request: the caller, with authorities {@code SCOPE_generate} / {@code SCOPE_read}. */
    static final class ApiAuthentication extends AbstractAuthenticationToken {

        private final ApiCaller caller;

        ApiAuthentication(ApiCaller caller) {
            super(caller.scopes().stream().map(scope -> new SimpleGrantedAuthority("SCOPE_" + scope.key())).toList());
            this.caller = caller;
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return null;
        }

        @Override
        public ApiCaller getPrincipal() {
            return caller;
        }

        @Override
        public String getName() {
            return caller.email();
        }
    }
}
