package org.text2image.server.workers;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets a worker API request through only with {@code Authorization: Bearer <token>}, where the
 * token is the configured {@code text2image.workers.token} (the embedded worker's) or an unrevoked
 * token issued on the admin page ({@link WorkerTokens}, one indexed lookup); else 401 problem
 * details and nothing else happens. The issued token's id and worker name are left in
 * {@link #TOKEN_ID_ATTRIBUTE} and {@link #TOKEN_NAME_ATTRIBUTE}, and its last use is recorded.
 */
class WorkerTokenFilter extends OncePerRequestFilter {

    /** Request attribute: the {@code worker_token.id} (Long) of an issued token; absent for the configured one. */
    static final String TOKEN_ID_ATTRIBUTE = "org.text2image.server.workers.WorkerTokenFilter.tokenId";
    /** The worker name an issued token was created for; claims with it must use that name. */
    static final String TOKEN_NAME_ATTRIBUTE = "org.text2image.server.workers.WorkerTokenFilter.tokenName";

    private final WorkerToken token;
    private final WorkerTokens issued;

    WorkerTokenFilter(WorkerToken token, WorkerTokens issued) {
        this.token = token;
        this.issued = issued;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        String presented = header != null && header.startsWith("Bearer ") ? header.substring(7).strip() : null;
        if (!token.matches(presented)) {
            Optional<WorkerTokens.TokenRef> tokenRef = issued.authenticate(presented);
            if (tokenRef.isPresent()) {
                request.setAttribute(TOKEN_ID_ATTRIBUTE, tokenRef.get().id());
                request.setAttribute(TOKEN_NAME_ATTRIBUTE, tokenRef.get().name());
                issued.used(tokenRef.get().id());
            } else {
                refuse(response);
                return;
            }
        }
        var authentication = new UsernamePasswordAuthenticationToken("worker", null,
                List.of(new SimpleGrantedAuthority("ROLE_WORKER")));
        SecurityContextHolder.getContext().setAuthentication(authentication);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    private static void refuse(HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"text2image-workers\"");
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter().write("""
                {"type":"about:blank","title":"Unauthorized","status":401,\
                "detail":"A valid worker token is required (Authorization: Bearer <token>).","retryable":false}""");
    }
}
