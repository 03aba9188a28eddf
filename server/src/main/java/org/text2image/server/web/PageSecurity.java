package org.text2image.server.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.text2image.server.support.MetricsProperties;
import org.text2image.server.support.SecurityHeaders;

/**
 * Security of the pages: form sign-in backed by the accounts table, sessions in the database
 * (Spring Session JDBC), CSRF on every form, the security headers of
 * {@link SecurityHeaders} on every chain, failed sign-ins slowed down ({@link LoginThrottle}) and
 * costly form posts rate-limited ({@link RateLimits}). The worker API has its own chain (order 1), and so
 * do the signed image URLs under {@value #SIGNED_IMAGES} (order 0).
 */
@Configuration(proxyBeanMethods = false)
class PageSecurity {

    /**
     * Where the signed image URLs live. They carry their own authorisation (checked by their
     * controller), so their chain is stateless: no security context, saved request or CSRF token
     * in a session, and {@link SessionStore} ignores the session cookie on these paths, so Spring
     * Session never reads or writes a session for them.
     */
    static final String SIGNED_IMAGES = "/i/";

    /**
     * The public API's OpenAPI document ({@code /v3/api-docs}, springdoc) and its rendered page
     * (Swagger UI at {@code /swagger-ui.html} → {@code /swagger-ui/index.html}): public, like the
     * API's own documentation. They describe no page and no worker path
     * ({@code springdoc.paths-to-match}).
     */
    static final String[] API_DOCS = {"/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**"};

    /**
     * The health probes (status only, no details): public, for load balancers and orchestrators
     * (docs/OPERATIONS.md). Every other actuator path is admin-only, and only
     * {@code /actuator/prometheus} exists besides these and {@code /actuator/info}.
     */
    static final String[] HEALTH = {"/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness"};

    private static final LoginUrlAuthenticationEntryPoint LOGIN_PAGE = new LoginUrlAuthenticationEntryPoint("/login");

    @Bean
    @Order(0)
    SecurityFilterChain signedImageFilterChain(HttpSecurity http) throws Exception {
        return http
                .securityMatcher(SIGNED_IMAGES + "**")
                .authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .securityContext(context -> context.securityContextRepository(new RequestAttributeSecurityContextRepository()))
                .requestCache(cache -> cache.disable())
                .csrf(csrf -> csrf.disable())
                .headers(SecurityHeaders::configure)
                .build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain pageFilterChain(HttpSecurity http, RateLimiter limiter, RateLimitProperties limits,
                                        MetricsProperties metrics) throws Exception {
        return http
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/", "/login", "/register", "/error", "/css/**", "/js/**", "/webjars/**",
                                "/favicon.ico", "/favicon.svg", "/help", "/privacy", "/terms", "/pricing").permitAll()
                        .requestMatchers("/forgot-password", "/reset-password", "/verify-email").permitAll()
                        // The public API's OpenAPI document and its rendered page (docs/API.md, "OpenAPI").
                        .requestMatchers(API_DOCS).permitAll()
                        .requestMatchers("/admin/**").hasRole("ADMIN")
                        // Observability (docs/SECURITY.md, "Metrics and health endpoints").
                        .requestMatchers(HEALTH).permitAll()
                        .requestMatchers(MetricsTokenFilter.PATH).hasAnyRole("ADMIN", MetricsTokenFilter.ROLE)
                        .requestMatchers("/actuator", "/actuator/**").hasRole("ADMIN")
                        .anyRequest().authenticated())
                .formLogin(form -> form.loginPage("/login").defaultSuccessUrl("/generate", false).permitAll())
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login?logout").permitAll())
                .exceptionHandling(errors -> errors.authenticationEntryPoint(PageSecurity::sendToLogin)
                        .accessDeniedHandler(PageSecurity::denied))
                .headers(SecurityHeaders::configure)
                .addFilterBefore(new LoginThrottle(limiter, limits), UsernamePasswordAuthenticationFilter.class)
                .addFilterBefore(new MetricsTokenFilter(metrics), AnonymousAuthenticationFilter.class)
                .addFilterAfter(new RateLimits(limiter, limits), AuthorizationFilter.class)
                .build();
    }

    /**
     * An htmx request (the job page's polling) whose session ended: a 401 with {@code HX-Redirect},
     * so htmx loads the sign-in page as a whole page instead of inside the status box. An actuator
     * path (a scraper without its token): a plain 401 asking for a bearer token, not the sign-in page.
     */
    private static void sendToLogin(HttpServletRequest request, HttpServletResponse response,
                                    AuthenticationException e) throws IOException, ServletException {
        if (request.getRequestURI().substring(request.getContextPath().length()).startsWith("/actuator")) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"metrics\"");
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "Sign in as an admin or send the metrics token.");
        } else if ("true".equals(request.getHeader("HX-Request"))) {
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setHeader("HX-Redirect", request.getContextPath() + "/login");
        } else {
            LOGIN_PAGE.commence(request, response, e);
        }
    }

    /**
     * Admin pages do not exist for anyone else: a signed-in user who is not an admin gets the
     * 404 page, as for an unknown page. A missing or wrong CSRF token stays a 403.
     */
    private static void denied(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        response.sendError(e instanceof CsrfException ? HttpServletResponse.SC_FORBIDDEN : HttpServletResponse.SC_NOT_FOUND);
    }

    /**
     * A URL that Spring Security's firewall refuses ({@code ;}, {@code //}, an encoded {@code /},
     * {@code ..}, a control character): a 400 with a plain reason, which {@link SiteErrorController}
     * shows on the site's error page (problem details under {@code /api/}). The stock handler sends
     * a bare 400, which Boot answered with JSON.
     */
    @Bean
    RequestRejectedHandler requestRejectedHandler() {
        return (request, response, e) -> response.sendError(HttpServletResponse.SC_BAD_REQUEST,
                "The address contains characters the site does not accept, such as ';' or '//'. Check the link.");
    }
}
