package org.text2image.server.account.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.List;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.text2image.server.account.AdminSecondFactor;
import org.text2image.server.account.SecondFactorProperties;
import org.text2image.server.account.SignedInUser;

/**
 * With {@code text2image.security.admin-2fa=required}, a signed-in admin whose session has not
 * passed the second factor gets no page but the second-factor pages: they are sent to enrolment
 * (no factor yet) or to the code page. It runs after Spring Security's filters (so it sees the
 * signed-in user) and before any controller; sign-out, static files and the error page pass.
 */
final class AdminSecondFactorFilter extends OncePerRequestFilter {

    /** The session attribute that holds the id of the admin who passed the second factor. */
    static final String PASSED = "text2image.admin-second-factor";

    private static final List<String> OPEN = List.of("/account/2fa/", "/logout", "/css/", "/js/", "/webjars/",
            "/favicon", "/error", "/i/");

    private final SecondFactorProperties properties;
    private final AdminSecondFactor secondFactor;

    AdminSecondFactorFilter(SecondFactorProperties properties, AdminSecondFactor secondFactor) {
        this.properties = properties;
        this.secondFactor = secondFactor;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        SignedInUser admin = signedInAdmin();
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!properties.required() || admin == null || OPEN.stream().anyMatch(path::startsWith) || passed(request, admin)) {
            chain.doFilter(request, response);
            return;
        }
        String target = request.getContextPath() + (secondFactor.enrolled(admin.id()) ? "/account/2fa/verify" : "/account/2fa/setup");
        if ("true".equals(request.getHeader("HX-Request"))) {
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setHeader("HX-Redirect", target);
        } else {
            response.sendRedirect(target);
        }
    }

    /** Whether this session passed the second factor as this admin. */
    static boolean passed(HttpServletRequest request, SignedInUser admin) {
        HttpSession session = request.getSession(false);
        return session != null && Long.valueOf(admin.id()).equals(session.getAttribute(PASSED));
    }

    private static SignedInUser signedInAdmin() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.getPrincipal() instanceof SignedInUser user && user.admin()
                ? user : null;
    }

    /** Registers the filter right after Spring Security's. */
    @Configuration(proxyBeanMethods = false)
    static class Registration {

        @Bean
        FilterRegistrationBean<AdminSecondFactorFilter> adminSecondFactorFilter(SecondFactorProperties properties,
                                                                               AdminSecondFactor secondFactor) {
            FilterRegistrationBean<AdminSecondFactorFilter> registration =
                    new FilterRegistrationBean<>(new AdminSecondFactorFilter(properties, secondFactor));
            registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER + 1);
            return registration;
        }
    }
}
