package org.text2image.server.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;

/**
 * Security of the pages: form sign-in backed by the accounts table, sessions in the database
 * (Spring Session JDBC), CSRF on every form. The worker API has its own chain (order 1).
 */
@Configuration(proxyBeanMethods = false)
class PageSecurity {

    private static final LoginUrlAuthenticationEntryPoint LOGIN_PAGE = new LoginUrlAuthenticationEntryPoint("/login");

    @Bean
    @Order(2)
    SecurityFilterChain pageFilterChain(HttpSecurity http) throws Exception {
        return http
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/", "/login", "/register", "/error", "/css/**", "/js/**", "/webjars/**",
                                "/favicon.ico", "/help").permitAll()
                        .anyRequest().authenticated())
                .formLogin(form -> form.loginPage("/login").defaultSuccessUrl("/generate", false).permitAll())
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login?logout").permitAll())
                .exceptionHandling(errors -> errors.authenticationEntryPoint(PageSecurity::sendToLogin))
                .build();
    }

    /**
     * An htmx request (the job page's polling) whose session ended: a 401 with {@code HX-Redirect},
     * so htmx loads the sign-in page as a whole page instead of inside the status box.
     */
    private static void sendToLogin(HttpServletRequest request, HttpServletResponse response,
                                    AuthenticationException e) throws IOException, ServletException {
        if ("true".equals(request.getHeader("HX-Request"))) {
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setHeader("HX-Redirect", request.getContextPath() + "/login");
        } else {
            LOGIN_PAGE.commence(request, response, e);
        }
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }
}
