package org.text2image.server.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;
import org.text2image.server.support.MetricsProperties;

/**
 * Lets a Prometheus scraper read {@value #PATH} with {@code Authorization: Bearer <text2image.metrics.token>}
 * (docs/SECURITY.md, "Metrics and health endpoints"). A matching token (compared in constant time)
 * authenticates this one request as {@code ROLE_METRICS}; nothing is kept in a session. A bearer
 * header that does not match, or any bearer header while no token is configured, is answered
 * {@code 401} at once. Requests without a bearer header go on unchanged: an admin's session works.
 */
final class MetricsTokenFilter extends OncePerRequestFilter {

    /** The only path the token opens. */
    static final String PATH = "/actuator/prometheus";
    /** The role a valid token gives. */
    static final String ROLE = "METRICS";

    private static final String BEARER = "Bearer ";

    private final byte[] token;

    MetricsTokenFilter(MetricsProperties properties) {
        this.token = properties.tokenConfigured() ? properties.token().getBytes(StandardCharsets.UTF_8) : null;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        return !path.equals(PATH) || header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        byte[] presented = request.getHeader(HttpHeaders.AUTHORIZATION).substring(BEARER.length()).strip()
                .getBytes(StandardCharsets.UTF_8);
        if (token == null || !MessageDigest.isEqual(token, presented)) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"metrics\"");
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "The metrics token is not valid.");
            return;
        }
        SecurityContext context = SecurityContextHolder.getContextHolderStrategy().createEmptyContext();
        context.setAuthentication(new PreAuthenticatedAuthenticationToken("prometheus", null,
                List.of(new SimpleGrantedAuthority("ROLE_" + ROLE))));
        SecurityContextHolder.getContextHolderStrategy().setContext(context);
        chain.doFilter(request, response);
    }
}
