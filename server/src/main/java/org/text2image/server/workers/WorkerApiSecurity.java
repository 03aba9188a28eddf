package org.text2image.server.workers;

import jakarta.servlet.DispatcherType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.text2image.server.support.SecurityHeaders;
import org.text2image.worker.api.WorkerApi;

/** The worker API's own filter chain: stateless, no CSRF (no cookies), bearer token only. */
@Configuration(proxyBeanMethods = false)
class WorkerApiSecurity {

    @Bean
    @Order(1)
    SecurityFilterChain workerApiFilterChain(HttpSecurity http, WorkerToken token, WorkerTokens issued) throws Exception {
        return http.securityMatcher(WorkerApi.BASE_PATH + "/**")
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .headers(SecurityHeaders::configure)
                .addFilterBefore(new WorkerTokenFilter(token, issued), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(auth -> auth
                        // a long-poll claim's answer is an ASYNC dispatch of a request already let in
                        .dispatcherTypeMatchers(DispatcherType.ASYNC).permitAll()
                        .anyRequest().hasRole("WORKER"))
                .build();
    }
}
