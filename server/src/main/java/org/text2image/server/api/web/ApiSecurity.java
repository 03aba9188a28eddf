package org.text2image.server.api.web;

import jakarta.servlet.DispatcherType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.text2image.server.api.ApiKeys;
import org.text2image.server.support.SecurityHeaders;
import org.text2image.server.web.RateLimitProperties;
import org.text2image.server.web.RateLimiter;

/**
 * The public API's own filter chain, for {@code /api/v1/**} (REST) and {@code /v1/**}
 * (OpenAI-compatible): stateless, no CSRF (no cookies are read), an API key only
 * ({@link ApiKeyFilter}). The problem-type pages under {@code /api/v1/problems/} are not behind it.
 * An asynchronous request's second dispatch, which only writes the answer of a request that waited
 * for its job ({@code POST /v1/images/generations}), was authenticated and authorised on its first
 * and is let through: the key filter runs once per request, so it carries no authentication.
 */
@Configuration(proxyBeanMethods = false)
class ApiSecurity {

    @Bean
    @Order(1)
    SecurityFilterChain publicApiFilterChain(HttpSecurity http, ApiKeys keys, RateLimiter limiter,
                                             RateLimitProperties limits) throws Exception {
        return http.securityMatcher("/api/v1/**", "/v1/**")
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .headers(SecurityHeaders::configure)
                .addFilterBefore(new ApiKeyFilter(keys, limiter, limits), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(auth -> auth.dispatcherTypeMatchers(DispatcherType.ASYNC).permitAll()
                        .anyRequest().authenticated())
                .build();
    }
}
